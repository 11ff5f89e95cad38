/**
 * The scope result of one online check, built the same way by every provider: each required scope is
 * entered once and ends verified, missing or unverifiable. Missing and unverifiable scopes each get
 * their own finding (each has its own fix); verified ones are summed up in one `scope.verified` note.
 */
import { finding, type Finding } from '../../report.js';
import type { FindingSet } from './findings.js';
import type { Verdict } from './verdict.js';

export interface ScopeResult {
  required: string[];
  verified: string[];
  missing: string[];
  unverifiable: string[];
}

export class ScopeLedger {
  readonly #findings: FindingSet;
  readonly #result: ScopeResult = { required: [], verified: [], missing: [], unverifiable: [] };
  readonly #how = new Map<string, string | undefined>();

  constructor(findings: FindingSet) {
    this.#findings = findings;
  }

  /** Enters a required scope; false when it was entered already (a scope named twice is judged once). */
  require(id: string): boolean {
    if (this.#result.required.includes(id)) return false;
    this.#result.required.push(id);
    return true;
  }

  verified(id: string, how?: string): void {
    this.#result.verified.push(id);
    this.#how.set(id, how);
  }

  missing(id: string, f: Finding): void {
    this.#result.missing.push(id);
    this.#findings.add(f);
  }

  unverifiable(id: string, f: Finding): void {
    this.#result.unverifiable.push(id);
    this.#findings.add(f);
  }

  /** Records a verdict: `found` turns a missing or unverifiable one into the finding that explains it. */
  record(id: string, v: Verdict, found: (v: Exclude<Verdict, { kind: 'verified' }>) => Finding): void {
    if (v.kind === 'verified') this.verified(id, v.how);
    else if (v.kind === 'missing') this.missing(id, found(v));
    else this.unverifiable(id, found(v));
  }

  /** The result, after adding the one `scope.verified` note (when anything was verified). */
  finish(): ScopeResult {
    const proven = this.#result.verified.map((id) => (this.#how.get(id) ? `${id} (${this.#how.get(id)})` : id));
    if (proven.length) this.#findings.add(finding('scope.verified', 'info', `Verified: ${proven.join('; ')}.`));
    return structuredClone(this.#result);
  }

  /**
   * The result of a check that stopped early (the identity failed, a policy or the network stopped
   * it): no summary note, and every required scope not judged yet is unverifiable — so each required
   * scope is in exactly one list, whatever stopped the check. One warning names them, except after
   * network trouble: that finding already says nothing was checked, and the run is unverified.
   */
  stopped(): ScopeResult {
    const r = this.#result;
    const judged = new Set([...r.verified, ...r.missing, ...r.unverifiable]);
    const left = r.required.filter((id) => !judged.has(id));
    r.unverifiable.push(...left);
    const network = this.#findings.list().some((f) => f.code.startsWith('network.'));
    if (left.length && !network) {
      this.#findings.add(
        finding(
          'scope.unverifiable',
          'warning',
          `${left.join(', ')} could not be verified: the check stopped before judging ${left.length === 1 ? 'it' : 'them'} (the finding above says why).`,
          'Fix what stopped the check and run it again; the scopes are checked then.',
        ),
      );
    }
    return structuredClone(r);
  }
}

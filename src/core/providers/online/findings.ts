/**
 * The findings of one online check, in the order they were found. It owns de-duplication, the same
 * for every provider: probes that fail for one shared cause (the network, a rate limit, single
 * sign-on, a policy) report that cause once, and an identical finding is never repeated.
 */
import type { Finding } from '../../report.js';

const ONCE_PER_CODE = /^(network\.|token\.sso-required$|token\.policy-blocked$)/;

export class FindingSet {
  readonly #items: Finding[] = [];

  add(f: Finding): void {
    const seen = this.#items.some((x) => x.code === f.code && (ONCE_PER_CODE.test(f.code) || x.message === f.message));
    if (!seen) this.#items.push(f);
  }

  addAll(fs: readonly Finding[]): void {
    for (const f of fs) this.add(f);
  }

  list(): Finding[] {
    return [...this.#items];
  }
}

/**
 * The context of one provider's online check, the same shape for every provider: the HTTP client, the
 * input, the provider's own target (its reading of the URL), the findings collector and the scope
 * ledger. Providers pass `run` around; `finishRun` turns it into the result.
 */
import type { HttpClient } from '../../http/client.js';
import { scopeNameFinding } from '../scope-names.js';
import type { ProviderId } from '../../report.js';
import type { OnlineInput, OnlineResult } from '../types.js';
import { FindingSet } from './findings.js';
import { ScopeLedger } from './scope-ledger.js';

export interface OnlineRun<T> {
  http: HttpClient;
  input: OnlineInput;
  target: T;
  findings: FindingSet;
  scopes: ScopeLedger;
}

export function startRun<T>(http: HttpClient, input: OnlineInput, target: T): OnlineRun<T> {
  const findings = new FindingSet();
  return { http, input, target, findings, scopes: new ScopeLedger(findings) };
}

/** The result. A check that stopped early (identity failed) judged no scope: they are unverifiable, with no summary note. */
export function finishRun<T>(run: OnlineRun<T>, extra: Omit<OnlineResult, 'findings' | 'scopes'> = {}, stoppedEarly = false): OnlineResult {
  const scopes = stoppedEarly ? run.scopes.stopped() : run.scopes.finish();
  return { ...extra, findings: run.findings.list(), scopes };
}

/**
 * Enters each known required scope in the ledger once, upfront (an early stop still reports them); a
 * name the provider does not know is the same `scope.unknown` finding offline and online.
 */
export function requireScopes<T, S extends { id: string }>(
  run: OnlineRun<T>,
  provider: ProviderId,
  find: (text: string) => S | undefined,
): S[] {
  const scopes: S[] = [];
  for (const text of run.input.requiredScopes) {
    const s = find(text);
    if (!s) run.findings.add(scopeNameFinding(provider, text)!);
    else if (run.scopes.require(s.id)) scopes.push(s);
  }
  return scopes;
}

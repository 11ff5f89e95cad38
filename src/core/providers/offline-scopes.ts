/**
 * What can be said offline about `required-scopes`: names the provider does not know, and, for a
 * down-scoped delegated Entra token, the scopes its `scp` claim does not hold. Online, the
 * provider's own check says all this and more, so this runs only when that check does not (offline, or
 * skipped because of an error). Pure.
 */
import type { Finding, ProviderId } from '../report.js';
import { scpScopeFindings } from './azure-devops/entra-scopes.js';
import { offlineScopeNameFindings } from './scope-names.js';
import type { TokenAnalysis } from './types.js';

export function offlineScopeCheck(
  provider: ProviderId,
  analysis: TokenAnalysis | undefined,
  required: readonly string[],
): { findings: Finding[]; missing: string[] } {
  const findings = offlineScopeNameFindings(provider, required);
  if (provider !== 'azure-devops' || !analysis || analysis.provider !== provider) return { findings, missing: [] };
  const claimed = scpScopeFindings(analysis, required);
  return { findings: [...findings, ...claimed.findings], missing: claimed.missing };
}

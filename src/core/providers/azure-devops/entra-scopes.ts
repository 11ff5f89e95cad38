/**
 * A delegated Entra token's `scp` against Azure DevOps: `user_impersonation` is the user's full
 * access; `vso.*` scopes are a down-scoped delegated app ("New Azure DevOps scopes now available for
 * Microsoft Identity OAuth delegated flow apps", Azure DevOps blog). Neither means the app was never
 * granted (or consented to) an Azure DevOps delegated permission. Pure.
 */
import { isDelegated, type EntraIdentityKind } from '../../entra/access-claims.js';
import { finding, type Finding } from '../../report.js';
import type { TokenAnalysis } from '../types.js';
import { findAzureDevOpsScope, includedPart, type AzureDevOpsScope } from './scopes.js';
import { AZURE_DEVOPS_RESOURCE_ID } from './tokens.js';

export const USER_IMPERSONATION = 'user_impersonation';

/** `499b84ac-…/vso.code` and `vso.code` are the same scope; the token lists the bare name. */
const bare = (s: string): string => s.slice(s.lastIndexOf('/') + 1).toLowerCase();

export type ScpReading = { access: 'full' } | { access: 'scoped'; scopes: string[] } | { access: 'none' };

export function readScp(scp: readonly string[]): ScpReading {
  const names = scp.map(bare);
  if (names.includes(USER_IMPERSONATION)) return { access: 'full' };
  const vso = names.filter((n) => n.startsWith('vso.'));
  return vso.length ? { access: 'scoped', scopes: vso } : { access: 'none' };
}

/** Does a held scope include the required one: itself, or down its "Inherits from" chain (Microsoft's scope table)? */
export function scpCovers(held: readonly string[], required: AzureDevOpsScope): boolean {
  return held.some((h) => {
    const seen = new Set<AzureDevOpsScope>();
    for (let c = findAzureDevOpsScope(h); c && !seen.has(c); c = includedPart(c)) {
      if (c === required) return true;
      seen.add(c);
    }
    return false;
  });
}

/** The token.info sentence about `scp`, or the finding when it names no Azure DevOps scope. */
export function scpSummary(kind: EntraIdentityKind, scp: readonly string[] | undefined): { note?: string; finding?: Finding } {
  if (!isDelegated(kind)) return {};
  const reading = readScp(scp ?? []);
  if (reading.access === 'full') return { note: "its scp is user_impersonation: the user's full access" };
  if (reading.access === 'scoped') return { note: `its scp is down-scoped to ${reading.scopes.join(', ')}` };
  return {
    finding: finding(
      'entra.delegated-scopes',
      // An error, as for a wrong audience: the message says Azure DevOps will refuse it, so `--offline` must not pass it.
      'error',
      `The delegated token's scp ${scp?.length ? `(${scp.join(' ')}) ` : ''}holds neither user_impersonation nor any Azure DevOps vso.* scope, so Azure DevOps grants it nothing: the app was not given (or not consented to) an Azure DevOps delegated permission.`,
      `In Microsoft Entra ID → App registrations → the app → API permissions, add Azure DevOps (${AZURE_DEVOPS_RESOURCE_ID}) delegated permission user_impersonation or the vso.* scopes the steps need, grant admin consent, and request the token with the scope ${AZURE_DEVOPS_RESOURCE_ID}/.default.`,
    ),
  };
}

/** Required scopes a down-scoped delegated token does not hold (offline: its claims say so). */
export function scpScopeFindings(analysis: TokenAnalysis, required: readonly string[]): { findings: Finding[]; missing: string[] } {
  const kind = analysis.facts['identityKind'] as EntraIdentityKind | undefined;
  const scp = analysis.facts['scp'];
  if (analysis.kind !== 'azure-devops.entra' || !kind || !isDelegated(kind) || scp === undefined) return { findings: [], missing: [] };
  const reading = readScp(scp.split(' '));
  if (reading.access !== 'scoped') return { findings: [], missing: [] };
  const missing = required
    .map((text) => findAzureDevOpsScope(text))
    .filter((s): s is AzureDevOpsScope => !!s && !scpCovers(reading.scopes, s));
  const findings = missing.map((s) =>
    finding(
      'scope.missing',
      'error',
      `The delegated Entra token's scp (${reading.scopes.join(', ')}) does not include ${s.id} (${s.portal}), so Azure DevOps refuses what needs it.`,
      `Add the Azure DevOps delegated permission ${s.id} to the app registration (API permissions), grant consent, and request the token with the scope ${AZURE_DEVOPS_RESOURCE_ID}/${s.id} (or ${AZURE_DEVOPS_RESOURCE_ID}/.default).`,
    ),
  );
  return { findings, missing: missing.map((s) => s.id) };
}

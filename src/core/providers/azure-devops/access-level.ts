/**
 * The access level of the service principal behind a Microsoft Entra application token (Services).
 * A principal can be a member of the organisation and still read nothing useful: the Stakeholder
 * access level gives no access to Azure Repos in private projects ("Stakeholder access quick
 * reference", learn.microsoft.com/azure/devops/organizations/security/stakeholder-access). Azure DevOps'
 * REST answer to such a read is not documented, so the probes cannot tell it from a missing permission;
 * the principal's own entitlement can: Service Principal Entitlements - Get
 * (learn.microsoft.com/rest/api/azure/devops/memberentitlementmanagement/service-principal-entitlements/get),
 * one read-only GET on vsaex.dev.azure.com, `accessLevel.accountLicenseType`.
 * Whether a principal may read its own entitlement is not documented either: an answer that is not a
 * readable entitlement says nothing, and no finding comes of it.
 */
import type { HttpOutcome } from '../../http/client.js';
import { finding, type Finding } from '../../report.js';
import { isApiSuccess, object, optional, readBody, text } from '../online/index.js';
import type { TokenAnalysis } from '../types.js';
import type { AzureDevOpsTarget } from './interpret.js';

const ENTITLEMENT = object({
  accessLevel: optional(object({ accountLicenseType: optional(text), licenseDisplayName: optional(text) })),
});

/** AccountLicenseType values that read no code: Stakeholder, and no licence at all. */
const TOO_LOW = new Set(['stakeholder', 'none']);

/** An application's token: `idtyp app` (an optional claim), else no user name but an app id (as tokens.ts reads it). */
const isAppToken = (f: Record<string, string>): boolean =>
  f['idtyp'] === 'app' || (!f['idtyp'] && !f['identity'] && !!(f['appid'] || f['azp']));

/** The entitlement URL to ask, for an Entra application token on Services with a known identity id. */
export function accessLevelUrl(t: AzureDevOpsTarget, token: TokenAnalysis, identityId: string | undefined): string | undefined {
  if (!t.services || !identityId || token.kind !== 'azure-devops.entra' || !isAppToken(token.facts)) return undefined;
  const path = `_apis/serviceprincipalentitlements/${encodeURIComponent(identityId)}?api-version=7.1-preview.1`;
  return `https://vsaex.dev.azure.com/${encodeURIComponent(t.org)}/${path}`;
}

export interface AccessLevel {
  license: string;
  display: string | undefined;
}

/** The principal's access level, when the answer is a readable entitlement. */
export function readAccessLevel(r: HttpOutcome | undefined): AccessLevel | undefined {
  if (!isApiSuccess(r)) return undefined;
  const body = readBody(r, ENTITLEMENT);
  const level = body.ok ? body.value.accessLevel : undefined;
  return level?.accountLicenseType ? { license: level.accountLicenseType, display: level.licenseDisplayName } : undefined;
}

/** An error when the level reads no code; nothing otherwise (Basic and above are what the checks assume). */
export function accessLevelFinding(level: AccessLevel | undefined, t: AzureDevOpsTarget, who: string): Finding | undefined {
  if (!level || !TOO_LOW.has(level.license.toLowerCase())) return undefined;
  const name = level.display || level.license;
  return finding(
    'entra.access-level',
    'error',
    `The service principal ${who} is a member of the organisation "${t.org}" with the access level ${name}, which cannot read code (Azure Repos) in private projects, so Azure DevOps refuses those reads.`,
    `In https://dev.azure.com/${t.org}/_settings/users (Organization settings → Users), select the service principal → Change access level → Basic.`,
  );
}

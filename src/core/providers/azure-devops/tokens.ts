/**
 * Offline analysis of Azure DevOps credentials (formats: https://learn.microsoft.com/azure/devops/articles/credential-storage, https://learn.microsoft.com/purview/sit-defn-azure-devops-app-secret; Entra tokens: https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/entra).
 *
 * Families:
 * - `azure-devops.pat`: 84-character CASK PAT (layout, Marvin32 checksum in either rendering,
 *   creation month → upper bound of the expiry);
 * - `azure-devops.pat-legacy`: 52-character base32 PAT (CRC-32 with the user or application seed);
 * - `azure-devops.entra`: Microsoft Entra JWT (claims only, never the signature), including the
 *   Azure Pipelines workload-identity OIDC token, which is reported as not usable against the API;
 * - `azure-devops.system-access-token`: the pipeline's own opaque token (presence only, never decoded);
 * - `azure-devops.unknown`: only when the caller named this provider and nothing matched.
 *
 * Pure: no I/O; the clock comes in through `ctx.now`. Messages describe parts of the token in words
 * and never quote it.
 */
import { BASE62, base32Decode, encodeInt } from '../../checksum/base-n.js';
import { crc32 } from '../../checksum/crc32.js';
import { marvin32 } from '../../checksum/marvin32.js';
import { IDENTITY_KIND_LABEL, identityKindText, readAccessClaims } from '../../entra/access-claims.js';
import { claimDate, claimString, decodeJwt, looksLikeJwt } from '../../jwt.js';
import { finding, type Finding } from '../../report.js';
import type { TokenAnalysis, TokenContext } from '../types.js';
import { scpSummary } from './entra-scopes.js';
import { plural } from '../../plural.js';

/** The Azure DevOps resource (application) id in Microsoft Entra. */
export const AZURE_DEVOPS_RESOURCE_ID = '499b84ac-1321-427f-aa17-267ca6975798';
export const AZURE_DEVOPS_SCOPE = `${AZURE_DEVOPS_RESOURCE_ID}/.default`;
/** Global ("all accessible organizations") PATs stopped working on this day (Azure DevOps blog, 2025). */
export const GLOBAL_PAT_END = '2026-12-01';

/** Seeds of the legacy 52-character PAT checksum (microsoft/security-utilities IdentifiableMetadata.cs). */
export const ADO_LEGACY_SEEDS = { user: 0xe0b9692d, application: 0x1019f92e } as const;
export type AzureDevOpsLegacySeed = keyof typeof ADO_LEGACY_SEEDS;

/** Byte positions of the embedded checksum in the 32 decoded bytes, most-significant byte first. */
const LEGACY_CHECKSUM_POSITIONS = [2, 7, 8, 22] as const;

/** The 28 data bytes of a decoded legacy PAT (every byte except the checksum positions). */
export function azureDevOpsLegacyData(bytes: Uint8Array): Uint8Array {
  return bytes.filter((_, i) => !(LEGACY_CHECKSUM_POSITIONS as readonly number[]).includes(i));
}

/** The checksum a legacy PAT embeds for `data28` under a seed. */
export function azureDevOpsLegacyChecksum(data28: Uint8Array, seed: AzureDevOpsLegacySeed): number {
  return (crc32(data28) ^ ADO_LEGACY_SEEDS[seed]) >>> 0;
}

/** Marvin32 seed for the CASK checksum: ASCII `Default0` as a big-endian uint64. */
const CASK_SEED_HIGH = 0x44656661;
const CASK_SEED_LOW = 0x756c7430;

export const CASK_SIGNATURE = 'JQQJ99';
export const ADO_PROVIDER_SIGNATURE = 'AZDO';

/** Both accepted renderings of the 84-character PAT checksum for its first 80 characters. */
export function azureDevOpsPat84Checksums(first80: string): { base62: string; base64: string } {
  const c = marvin32(Buffer.from(first80, 'base64'), CASK_SEED_HIGH, CASK_SEED_LOW);
  const le = [c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24];
  const swapped = ((le[0]! << 24) | (le[1]! << 16) | (le[2]! << 8) | le[3]!) >>> 0;
  let leadingZeros = '';
  for (const b of le) {
    if (b !== 0) break;
    leadingZeros += '0';
  }
  const base62 = (leadingZeros + (swapped === 0 ? '' : encodeInt(swapped, BASE62))).padEnd(6, '0').slice(0, 4);
  const base64 = Buffer.from(le.slice(0, 3)).toString('base64');
  return { base62, base64 };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LEGACY_RE = /^[a-z2-7]{52}$/;
const LEGACY_ANY_CASE_RE = /^[A-Za-z2-7]{52}$/;
const ALNUM_RE = /^[A-Za-z0-9]*$/;
const SKEW_MS = 5 * 60 * 1000;

const LABEL_PAT = 'Azure DevOps personal access token (84-character format)';
const LABEL_LEGACY = 'Azure DevOps personal access token (52-character format)';
const LABEL_OIDC = 'Azure Pipelines workload identity federation (OIDC) token';
const LABEL_SYSTEM = 'Azure Pipelines System.AccessToken';
const LABEL_UNKNOWN = 'unrecognised Azure DevOps credential';

const HINT_RECOPY_PAT =
  'Copy the PAT again in full from where it was stored when it was created (Azure DevOps shows it only once), or create a new one under User settings → Personal access tokens and update the secret.';
const HINT_NEW_PAT =
  'Create a new personal access token under User settings → Personal access tokens (or regenerate this one) and update the secret.';
const HINT_NONE = 'None needed.';

const ACCEPTED_FORMATS =
  'Azure DevOps accepts a personal access token (52 characters of a–z and 2–7, or the 84-character format), or a Microsoft Entra access token (a JWT)';
const SYSTEM_TOKEN_NOTE =
  "the pipeline's $(System.AccessToken) is opaque and must be declared by setting `token-type` to system-access-token";

function result(
  kind: string,
  label: string,
  findings: Finding[],
  facts: Record<string, string> = {},
  extra: Partial<TokenAnalysis> = {},
): TokenAnalysis {
  return { provider: 'azure-devops', kind, label, findings, facts, ...extra };
}

// ------------------------------------------------------------------------------------------------
// 84-character CASK PAT
// ------------------------------------------------------------------------------------------------

function isPat84Shape(token: string): boolean {
  return token.length === 84 && token.slice(52, 58) === CASK_SIGNATURE && token.slice(76, 80) === ADO_PROVIDER_SIGNATURE;
}

/** Layout problems of an 84-character token, in words (never quoting it). */
function pat84LayoutProblems(token: string): string[] {
  const problems: string[] = [];
  if (!ALNUM_RE.test(token.slice(0, 52)))
    problems.push('the random part (first 52 characters) contains characters other than letters and digits');
  const signature = token.slice(52, 58);
  if (signature !== CASK_SIGNATURE) {
    if (signature.slice(0, 4) === CASK_SIGNATURE.slice(0, 4) && (signature[5] === 'D' || signature[5] === 'H')) {
      problems.push('the CASK signature marks a derived or hashed key, which is never a personal access token');
    } else {
      problems.push('the CASK signature expected at characters 53–58 is missing or altered');
    }
  }
  const year = token[58] ?? '';
  if (!/^[A-Z]$/.test(year)) problems.push('the creation-year character (59th) is not an upper-case letter');
  const month = token[59] ?? '';
  if (!/^[A-L]$/.test(month)) problems.push('the creation-month character (60th) is not one of A–L');
  if (!ALNUM_RE.test(token.slice(60, 72)))
    problems.push('the platform-reserved part (characters 61–72) contains characters other than letters and digits');
  if (!ALNUM_RE.test(token.slice(72, 76)))
    problems.push('the provider-reserved part (characters 73–76) contains characters other than letters and digits');
  const provider = token.slice(76, 80);
  if (provider !== ADO_PROVIDER_SIGNATURE) {
    problems.push(
      provider.toUpperCase() === ADO_PROVIDER_SIGNATURE
        ? 'the Azure DevOps signature (characters 77–80) is not in upper case'
        : 'the Azure DevOps signature (AZDO) expected at characters 77–80 is missing or altered',
    );
  }
  if (!/^[A-Za-z0-9+/]{4}$/.test(token.slice(80, 84)))
    problems.push('the checksum (last 4 characters) contains characters other than letters, digits, + and /');
  return problems;
}

/** Which rendering of the checksum the token carries; undefined when neither matches. */
function pat84ChecksumRendering(token: string): 'base62' | 'base64' | undefined {
  const expected = azureDevOpsPat84Checksums(token.slice(0, 80));
  const actual = token.slice(80, 84);
  if (actual === expected.base62) return 'base62';
  if (actual === expected.base64) return 'base64';
  return undefined;
}

/** The creation month an intact token carries, and the latest expiry it implies (PATs live at most a year). */
function pat84Dates(token: string): {
  year: number;
  month: number;
  monthName: string;
  created: string;
  latestExpiry: Date;
  latestDay: string;
} {
  const year = 2024 + (token.charCodeAt(58) - 65);
  const month = token.charCodeAt(59) - 65 + 1; // 1..12
  const latestExpiry = new Date(Date.UTC(year + 1, month, 1)); // first instant of the month after creation, one year on
  return {
    year,
    month,
    monthName: `${MONTHS[month - 1]!} ${year}`,
    created: `${year}-${String(month).padStart(2, '0')}`,
    latestExpiry,
    latestDay: latestExpiry.toISOString().slice(0, 10),
  };
}

/** Expired for certain, or created in the future (a corrupted token or a wrong clock). */
function pat84AgeFinding(dates: ReturnType<typeof pat84Dates>, now: Date): Finding | undefined {
  const { year, month, monthName, latestExpiry, latestDay } = dates;
  if (now.getTime() >= latestExpiry.getTime())
    return finding(
      'token.expired',
      'error',
      `The personal access token was created in ${monthName}; Azure DevOps PATs live at most one year, so it expired by ${latestDay} at the latest.`,
      HINT_NEW_PAT,
    );
  const nowIndex = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const createdIndex = year * 12 + (month - 1);
  if (createdIndex > nowIndex)
    return finding(
      'token.not-yet-valid',
      'warning',
      `The personal access token claims to have been created in ${monthName}, which is after the current month: the token is probably corrupted (or this machine's clock is wrong).`,
      `Check the clock of this machine; otherwise ${HINT_RECOPY_PAT.charAt(0).toLowerCase()}${HINT_RECOPY_PAT.slice(1)}`,
    );
  return undefined;
}

function analyzePat84(token: string, ctx: TokenContext): TokenAnalysis {
  const problems = pat84LayoutProblems(token);
  if (problems.length > 0) {
    return result('azure-devops.pat', LABEL_PAT, [
      finding(
        'token.format',
        'error',
        `The 84-character personal access token does not have Azure DevOps' layout: ${problems.join('; ')}.`,
        HINT_RECOPY_PAT,
      ),
    ]);
  }
  const rendering = pat84ChecksumRendering(token);
  if (!rendering) {
    return result('azure-devops.pat', LABEL_PAT, [
      finding(
        'token.checksum',
        'error',
        "The 84-character personal access token's embedded checksum does not match its content: it was mistyped, truncated or altered, and Azure DevOps will reject it.",
        HINT_RECOPY_PAT,
      ),
    ]);
  }
  // Only an intact token's date characters are trusted.
  const dates = pat84Dates(token);
  const age = pat84AgeFinding(dates, ctx.now);
  const findings: Finding[] = age ? [age] : [];
  findings.push(
    finding(
      'token.info',
      'info',
      `Azure DevOps personal access token (84-character format) created in ${dates.monthName}; it cannot be valid on or after ${dates.latestDay} (checksum in the ${rendering} rendering).`,
      HINT_NONE,
    ),
  );
  return result(
    'azure-devops.pat',
    LABEL_PAT,
    findings,
    { created: dates.created, checksumRendering: rendering },
    { latestExpiry: dates.latestExpiry },
  );
}

// ------------------------------------------------------------------------------------------------
// 52-character legacy PAT
// ------------------------------------------------------------------------------------------------

function analyzeLegacy(token: string): TokenAnalysis {
  const bytes = base32Decode(token.toLowerCase())!; // 52 × 5 bits → 32 bytes, the last 4 bits dropped
  const embedded = ((bytes[2]! << 24) | (bytes[7]! << 16) | (bytes[8]! << 8) | bytes[22]!) >>> 0;
  const data = azureDevOpsLegacyData(bytes);
  const seed = (Object.keys(ADO_LEGACY_SEEDS) as AzureDevOpsLegacySeed[]).find((s) => azureDevOpsLegacyChecksum(data, s) === embedded);
  const findings: Finding[] = [];
  if (token !== token.toLowerCase()) {
    findings.push(
      // The documented alphabet is lower-case base32 (a-z, 2-7): accepted on input, but not as issued.
      finding(
        'token.format',
        'warning',
        'The 52-character personal access token contains upper-case letters, while Azure DevOps issues these tokens in lower case (a-z and 2-7): it was checked case-insensitively, but it is not the token as it was shown and may be rejected.',
        'Store the token exactly as it was shown when it was created, in lower case.',
      ),
    );
  }
  if (!seed) {
    findings.unshift(
      finding(
        'token.checksum',
        'error',
        "The 52-character personal access token's embedded checksum matches neither the user-token nor the application-token seed: it was mistyped, truncated or altered, and Azure DevOps will reject it.",
        HINT_RECOPY_PAT,
      ),
    );
    return result('azure-devops.pat-legacy', LABEL_LEGACY, findings);
  }
  findings.push(
    finding(
      'token.info',
      'info',
      `Azure DevOps personal access token in the older 52-character format (${seed === 'user' ? 'user' : 'application'} token); this format carries no creation date, so its expiry cannot be read offline.`,
      'Run the online checks to learn the expiry, or look the token up under User settings → Personal access tokens.',
    ),
  );
  return result('azure-devops.pat-legacy', LABEL_LEGACY, findings, { seed });
}

// ------------------------------------------------------------------------------------------------
// Microsoft Entra JWT (and the Azure Pipelines OIDC token)
// ------------------------------------------------------------------------------------------------

/** Microsoft Entra token issuers (public and sovereign clouds). */
const ENTRA_HOSTS = new Set([
  'sts.windows.net',
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'sts.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);
/** Azure DevOps' own token issuers (workload-identity OIDC tokens, and the pipeline's access token). */
const ADO_ISSUER_HOSTS = new Set(['vstoken.dev.azure.com', 'app.vstoken.visualstudio.com']);
const FEDERATION_AUDIENCE = 'api://azureadtokenexchange';
const ADO_AUDIENCES = new Set([
  AZURE_DEVOPS_RESOURCE_ID,
  'https://app.vssps.visualstudio.com',
  'https://app.vssps.visualstudio.com/',
  `api://${AZURE_DEVOPS_RESOURCE_ID}`,
]);
const ARM_AUDIENCES = new Set([
  'https://management.azure.com',
  'https://management.azure.com/',
  'https://management.core.windows.net',
  'https://management.core.windows.net/',
  '797f4846-ba00-4fd7-ba43-dac1f8f63013',
]);

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function audiences(payload: Record<string, unknown>): string[] {
  const aud = payload['aud'];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

function isMicrosoftJwt(payload: Record<string, unknown>): boolean {
  const host = hostOf(claimString(payload, 'iss'));
  if (host && (ENTRA_HOSTS.has(host) || ADO_ISSUER_HOSTS.has(host))) return true;
  return audiences(payload).some((a) => ADO_AUDIENCES.has(a.toLowerCase()) || a.toLowerCase() === FEDERATION_AUDIENCE);
}

function jwtFacts(payload: Record<string, unknown>, withSubject: boolean): Record<string, string> {
  const facts: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') facts[key] = value;
  };
  put('tid', claimString(payload, 'tid'));
  put('oid', claimString(payload, 'oid'));
  put('identity', claimString(payload, 'upn') ?? claimString(payload, 'unique_name') ?? claimString(payload, 'preferred_username'));
  put('appid', claimString(payload, 'appid'));
  put('azp', claimString(payload, 'azp'));
  put('iss', claimString(payload, 'iss'));
  put('aud', audiences(payload).join(' ') || undefined);
  put('ver', claimString(payload, 'ver'));
  put('idtyp', claimString(payload, 'idtyp'));
  if (withSubject) put('sub', claimString(payload, 'sub'));
  return facts;
}

function timeFindings(payload: Record<string, unknown>, ctx: TokenContext, what: string): { findings: Finding[]; expiresAt?: Date } {
  const findings: Finding[] = [];
  const exp = claimDate(payload, 'exp');
  const nbf = claimDate(payload, 'nbf');
  const now = ctx.now.getTime();
  if (!exp) {
    findings.push(
      finding(
        'token.format',
        'warning',
        `The ${what} has no usable expiry (exp) claim; Microsoft-issued tokens always carry one.`,
        'Request a new token from Microsoft Entra ID and use it unchanged.',
      ),
    );
  } else if (exp.getTime() <= now - SKEW_MS) {
    findings.push(
      finding(
        'token.expired',
        'error',
        `The ${what} expired at ${exp.toISOString()} (more than 5 minutes before now); Entra tokens live about an hour.`,
        `Acquire a fresh token right before the step that uses it (for example \`az account get-access-token --resource ${AZURE_DEVOPS_RESOURCE_ID}\`), instead of storing one in a secret.`,
      ),
    );
  }
  if (nbf && nbf.getTime() > now + SKEW_MS) {
    findings.push(
      finding(
        'token.not-yet-valid',
        'warning',
        `The ${what} is not valid before ${nbf.toISOString()}, more than 5 minutes from now; it will be rejected until then.`,
        'Check the clock of this machine and of the one that issued the token; otherwise wait, or request the token again.',
      ),
    );
  }
  return { findings, ...(exp ? { expiresAt: exp } : {}) };
}

/** Issuer vs `ver` / `tid` consistency (Entra: v1 `https://sts.windows.net/{tid}/`, v2 `https://login.microsoftonline.com/{tid}/v2.0`). */
function issuerFinding(payload: Record<string, unknown>): Finding | undefined {
  const iss = claimString(payload, 'iss');
  const ver = claimString(payload, 'ver');
  const tid = claimString(payload, 'tid');
  const hint = 'Use the token exactly as Microsoft Entra ID issued it; if it was built or edited by hand, request a real one.';
  if (!iss) return finding('token.format', 'warning', 'The Entra token has no issuer (iss) claim, which Entra always sets.', hint);
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    return finding('token.format', 'warning', "The Entra token's issuer (iss) claim is not a URL.", hint);
  }
  if (!ENTRA_HOSTS.has(url.hostname.toLowerCase())) {
    return finding(
      'token.format',
      'warning',
      `The token's issuer ${url.hostname} is not a Microsoft Entra ID authority, so Azure DevOps will not accept it.`,
      'Request the token from Microsoft Entra ID (login.microsoftonline.com) for the Azure DevOps resource.',
    );
  }
  if (tid && !url.pathname.split('/').includes(tid)) {
    return finding(
      'token.format',
      'warning',
      "The Entra token's issuer names a different tenant than its tid claim; Entra never issues such a token.",
      hint,
    );
  }
  if (ver === '1.0' || ver === '2.0') {
    const v2Path = /\/v2\.0\/?$/.test(url.pathname);
    if ((ver === '2.0') !== v2Path) {
      return finding(
        'token.format',
        'warning',
        `The Entra token says it is version ${ver} but its issuer has the form of version ${v2Path ? '2.0' : '1.0'} tokens; Entra never issues such a token.`,
        hint,
      );
    }
  }
  return undefined;
}

/** A workload identity federation token: meant for the exchange with Entra, never for Azure DevOps. */
function federationToken(payload: Record<string, unknown>, ctx: TokenContext): TokenAnalysis {
  const times = timeFindings(payload, ctx, 'OIDC token');
  return result(
    'azure-devops.entra',
    LABEL_OIDC,
    [
      finding(
        'token.audience',
        'error',
        'This is a workload identity federation (OIDC) token meant for Microsoft Entra ID (audience AzureADTokenExchange), not an Azure DevOps API token; Azure DevOps rejects it.',
        `Exchange it with Microsoft Entra ID for an access token with the scope ${AZURE_DEVOPS_SCOPE} (for example through an Azure Resource Manager service connection and \`az account get-access-token\`), and check that token instead.`,
      ),
      ...times.findings,
    ],
    jwtFacts(payload, true),
    times.expiresAt ? { expiresAt: times.expiresAt } : {},
  );
}

/** How to ask Microsoft Entra ID for a token Azure DevOps accepts, per tool. */
const REQUEST_ADO_TOKEN = `Request it for the Azure DevOps resource ${AZURE_DEVOPS_RESOURCE_ID}: \`az account get-access-token --resource ${AZURE_DEVOPS_RESOURCE_ID}\`, \`Get-AzAccessToken -ResourceUrl ${AZURE_DEVOPS_RESOURCE_ID}\`, or the scope ${AZURE_DEVOPS_SCOPE} with MSAL / Azure Identity.`;

/**
 * An Entra token's audience, when it is not Azure DevOps: missing, Azure Resource Manager, or
 * another resource. Azure DevOps validates `aud`, so each is an error (offline too): the token
 * cannot work, whatever else is right about it.
 */
function entraAudienceFinding(payload: Record<string, unknown>): Finding | undefined {
  const audList = audiences(payload);
  const auds = audList.map((a) => a.toLowerCase());
  const needed = `Azure DevOps accepts only tokens whose audience is ${AZURE_DEVOPS_RESOURCE_ID}`;
  if (audList.length === 0)
    return finding(
      'token.audience',
      'error',
      `The Entra token has no audience (aud) claim, so Azure DevOps will reject it: ${needed}.`,
      REQUEST_ADO_TOKEN,
    );
  if (auds.some((a) => ADO_AUDIENCES.has(a))) return undefined;
  const arm = audList.find((a) => ARM_AUDIENCES.has(a.toLowerCase()));
  if (arm)
    return finding(
      'token.audience',
      'error',
      `The Entra token was issued for Azure Resource Manager (audience ${arm}), not for Azure DevOps, which no longer accepts that audience: ${needed}.`,
      REQUEST_ADO_TOKEN,
    );
  return finding(
    'token.audience',
    'error',
    `The Entra token was issued for another resource (audience ${audList.join(', ')}), so Azure DevOps will reject it: ${needed}.`,
    REQUEST_ADO_TOKEN,
  );
}

/** A Microsoft Entra access token: audience, times and issuer checked; the signature only online. */
function entraToken(payload: Record<string, unknown>, ctx: TokenContext): TokenAnalysis {
  const findings: Finding[] = [];
  const audience = entraAudienceFinding(payload);
  if (audience) findings.push(audience);
  const times = timeFindings(payload, ctx, 'Entra token');
  findings.push(...times.findings);
  const issuer = issuerFinding(payload);
  if (issuer) findings.push(issuer);
  const facts = jwtFacts(payload, false);
  const claims = readAccessClaims(payload);
  facts['identityKind'] = claims.kind;
  if (claims.scp !== undefined) facts['scp'] = claims.scp.join(' ');
  const scp = scpSummary(claims.kind, claims.scp);
  if (scp.finding) findings.push(scp.finding);
  const agent = claims.kind.startsWith('agent') ? '; Azure DevOps has not documented its support for agent identities' : '';
  const app =
    claims.kind === 'application' || claims.kind === 'agent-identity'
      ? "; Azure DevOps has no application permissions, so its access comes from the service principal's membership in the organisation"
      : '';
  findings.push(
    finding(
      'token.info',
      'info',
      `Microsoft Entra ${identityKindText(claims.kind, payload)}${facts['ver'] ? `, version ${facts['ver']}` : ''}${facts['tid'] ? `, from tenant ${facts['tid']}` : ''}${scp.note ? `; ${scp.note}` : ''}${app}${agent}; its signature can only be checked online.`,
      HINT_NONE,
    ),
  );
  return result(
    'azure-devops.entra',
    IDENTITY_KIND_LABEL[claims.kind],
    findings,
    facts,
    times.expiresAt ? { expiresAt: times.expiresAt } : {},
  );
}

function analyzeJwt(token: string, ctx: TokenContext, claim: boolean): TokenAnalysis | undefined {
  const jwt = decodeJwt(token);
  if (!jwt) {
    return claim
      ? result('azure-devops.unknown', LABEL_UNKNOWN, [
          finding(
            'token.format',
            'error',
            'The token has the three dot-separated parts of a JWT, but its header or payload is not readable JSON: it was truncated or altered.',
            `Copy the token again in full. ${ACCEPTED_FORMATS}; ${SYSTEM_TOKEN_NOTE}.`,
          ),
        ])
      : undefined;
  }
  const { payload } = jwt;
  const issHost = hostOf(claimString(payload, 'iss'));
  if (audiences(payload).some((a) => a.toLowerCase() === FEDERATION_AUDIENCE)) return federationToken(payload, ctx);

  if (issHost && ADO_ISSUER_HOSTS.has(issHost)) {
    // Issued by Azure DevOps itself: in practice the pipeline's own token. Its payload is not a
    // contract, so nothing beyond the issuer is read from it.
    return result('azure-devops.system-access-token', LABEL_SYSTEM, [
      finding(
        'token.format',
        'warning',
        "The token was issued by Azure DevOps itself (it looks like the pipeline's System.AccessToken); its contents are not a documented format, so they are not checked.",
        'Set `token-type` to system-access-token when passing $(System.AccessToken); the online checks then tell whether it works.',
      ),
    ]);
  }

  if (isMicrosoftJwt(payload)) return entraToken(payload, ctx);
  if (!claim) return undefined;
  return result('azure-devops.unknown', LABEL_UNKNOWN, [
    finding(
      'token.format',
      'error',
      `The token is a JWT${issHost ? ` issued by ${issHost}` : ''}, not by Microsoft Entra ID, and not for Azure DevOps; Azure DevOps does not accept it.`,
      `${ACCEPTED_FORMATS}; request the token from Microsoft Entra ID with the scope ${AZURE_DEVOPS_SCOPE}. Note that ${SYSTEM_TOKEN_NOTE}.`,
    ),
  ]);
}

// ------------------------------------------------------------------------------------------------
// Explanations when the caller named Azure DevOps and nothing matched
// ------------------------------------------------------------------------------------------------

function describeNonBase32(token: string): string {
  const parts: string[] = [];
  const badDigits = [...new Set(token.match(/[0189]/g) ?? [])].sort();
  if (badDigits.length > 0) parts.push(`the digit${badDigits.length > 1 ? 's' : ''} ${badDigits.join(', ')}`);
  if (/[^A-Za-z0-9]/.test(token)) parts.push('punctuation or other symbols');
  return parts.join(' and ');
}

function unknown(token: string): TokenAnalysis {
  const n = token.length;
  const signatureAt = token.indexOf(CASK_SIGNATURE.slice(0, 4));
  const count = (d: number): string => (d < 0 ? `${-d} missing` : `${d} too many`);
  let message: string;
  if (n === 52) {
    message = `The token has the length of an Azure DevOps personal access token (52) but contains characters outside base32 (only a–z and 2–7 occur): ${describeNonBase32(token)}.`;
  } else if (signatureAt >= 0 && signatureAt !== 52 && Math.abs(n - 84) <= 8) {
    const shift = signatureAt - 52;
    message = `The token looks like an 84-character Azure DevOps personal access token, but it is ${plural(n, 'character')} long and the CASK signature sits ${plural(Math.abs(shift), 'character')} ${shift < 0 ? 'early' : 'late'}: characters were ${shift < 0 ? 'lost from' : 'added to'} the random part.`;
  } else if (Math.abs(n - 84) <= 4 || signatureAt === 52) {
    message = `The token is ${plural(n, 'character')} long; Azure DevOps personal access tokens in the newer format are exactly 84 (${count(n - 84)}).`;
  } else if (Math.abs(n - 52) <= 3) {
    const charset = /^[A-Za-z2-7]*$/.test(token) ? '' : `; it also contains characters outside base32 (${describeNonBase32(token)})`;
    message = `The token is ${plural(n, 'character')} long; Azure DevOps personal access tokens in the older format are exactly 52 (${count(n - 52)})${charset}.`;
  } else {
    message = `The token matches no Azure DevOps credential format (${plural(n, 'character')}, not a personal access token and not a JWT).`;
  }
  return result('azure-devops.unknown', LABEL_UNKNOWN, [
    finding(
      'token.format',
      'error',
      message,
      `Copy the token again in full from where it was created, or check that the right secret is wired to this step. ${ACCEPTED_FORMATS}; ${SYSTEM_TOKEN_NOTE}.`,
    ),
  ]);
}

// ------------------------------------------------------------------------------------------------
// Entry point
// ------------------------------------------------------------------------------------------------

/**
 * Analyse a (hygiene-cleaned) token as an Azure DevOps credential. Returns undefined when the token
 * is not recognisably Azure DevOps' and `claim` is false; with `claim` true always returns an
 * analysis, with a `token.format` error explaining the accepted formats when nothing matched.
 */
export function analyzeAzureDevOpsToken(token: string, ctx: TokenContext, claim: boolean): TokenAnalysis | undefined {
  if (ctx.tokenType === 'system-access-token') {
    // Never decoded: Azure DevOps says its contents are not a contract (and they are being encrypted).
    return result('azure-devops.system-access-token', LABEL_SYSTEM, [
      finding(
        'token.unverifiable',
        'info',
        "The pipeline's System.AccessToken has no documented format, so offline it is only checked for presence.",
        'Nothing to do offline; run without `offline` to check it against Azure DevOps (and grant the build service the permissions the later steps need).',
      ),
    ]);
  }
  if (isPat84Shape(token)) return analyzePat84(token, ctx);
  if (LEGACY_RE.test(token)) return analyzeLegacy(token);
  if (looksLikeJwt(token)) return analyzeJwt(token, ctx, claim);
  if (!claim) return undefined;
  if (token.length === 84) return analyzePat84(token, ctx);
  if (LEGACY_ANY_CASE_RE.test(token)) return analyzeLegacy(token);
  return unknown(token);
}

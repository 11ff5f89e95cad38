/**
 * Minting of clearly-fake Azure DevOps credentials with valid checksums, for tests, the demo and
 * API emulators. The caller supplies the "random" parts (make them spell FAKE / TEST so nobody
 * mistakes the result for a live secret); nothing here is random and nothing is signed.
 */
import { base32Encode } from '../../checksum/base-n.js';
import {
  ADO_LEGACY_SEEDS,
  ADO_PROVIDER_SIGNATURE,
  AZURE_DEVOPS_RESOURCE_ID,
  CASK_SIGNATURE,
  azureDevOpsLegacyChecksum,
  azureDevOpsPat84Checksums,
  type AzureDevOpsLegacySeed,
} from './tokens.js';

export interface AzureDevOpsPat84Parts {
  /** 52 characters of `[A-Za-z0-9]`. */
  random52: string;
  /** Creation year: a number (2024…2049) or the token's letter (`A` = 2024). */
  year: number | string;
  /** Creation month: a number (1…12) or the token's letter (`A` = January … `L` = December). */
  month: number | string;
  /** 12 characters of `[A-Za-z0-9]`; default `ACAAAAAAAAAA`. */
  platform?: string;
  /** 4 characters of `[A-Za-z0-9]`; default `AAAS` (seen on real PATs; not enforced). */
  providerReserved?: string;
  /** Checksum rendering; default `base62` (current), `base64` is the backward-compatible form. */
  checksum?: 'base62' | 'base64';
}

function letter(value: number | string, offset: number, max: number, what: string): string {
  const index = typeof value === 'number' ? value - offset : /^[A-Z]$/.test(value) ? value.charCodeAt(0) - 65 : -1;
  if (!Number.isInteger(index) || index < 0 || index > max) throw new RangeError(`mintAzureDevOpsPat84: ${what} is out of range`);
  return String.fromCharCode(65 + index);
}

function requireAlnum(text: string, length: number, what: string): void {
  if (text.length !== length || !/^[A-Za-z0-9]*$/.test(text))
    throw new RangeError(`mintAzureDevOpsPat84: ${what} must be ${length} letters or digits`);
}

/** An 84-character CASK PAT with a valid Marvin32 checksum (the 84-character CASK format: https://learn.microsoft.com/purview/sit-defn-azure-devops-app-secret). */
export function mintAzureDevOpsPat84(parts: AzureDevOpsPat84Parts): string {
  const platform = parts.platform ?? 'ACAAAAAAAAAA';
  const providerReserved = parts.providerReserved ?? 'AAAS';
  requireAlnum(parts.random52, 52, 'random52');
  requireAlnum(platform, 12, 'platform');
  requireAlnum(providerReserved, 4, 'providerReserved');
  const first80 =
    parts.random52 +
    CASK_SIGNATURE +
    letter(parts.year, 2024, 25, 'year') +
    letter(parts.month, 1, 11, 'month') +
    platform +
    providerReserved +
    ADO_PROVIDER_SIGNATURE;
  return first80 + azureDevOpsPat84Checksums(first80)[parts.checksum ?? 'base62'];
}

/** A 52-character legacy PAT whose 28 data bytes are `data28`, checksummed with the given seed. */
export function mintAzureDevOpsLegacyPat(data28: Uint8Array, seed: AzureDevOpsLegacySeed): string {
  if (data28.length !== 28) throw new RangeError('mintAzureDevOpsLegacyPat: data28 must be 28 bytes');
  if (!(seed in ADO_LEGACY_SEEDS)) throw new RangeError('mintAzureDevOpsLegacyPat: unknown seed');
  const c = azureDevOpsLegacyChecksum(data28, seed);
  const bytes = new Uint8Array(32);
  let d = 0;
  for (let i = 0; i < 32; i++) {
    if (i === 2) bytes[i] = c >>> 24;
    else if (i === 7) bytes[i] = (c >>> 16) & 0xff;
    else if (i === 8) bytes[i] = (c >>> 8) & 0xff;
    else if (i === 22) bytes[i] = c & 0xff;
    else bytes[i] = data28[d++]!;
  }
  return base32Encode(bytes).toLowerCase();
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A well-formed but unsigned JWT: `header.payload.signature`, where the signature segment is an
 * obviously fake placeholder. Nothing can verify it; it only exercises claim checks.
 */
export function mintEntraJwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { typ: 'JWT', alg: 'RS256', kid: 'FAKE-TEST-KEY' },
): string {
  return `${b64url(header)}.${b64url(claims)}.${Buffer.from('FAKE-SIGNATURE-NOT-REAL', 'utf8').toString('base64url')}`;
}

/** Fake tenant / object / client ids (recognisably not real GUIDs). */
export const FAKE_TENANT_ID = '00000000-fa4e-7e57-0000-000000000001';
export const FAKE_OBJECT_ID = '00000000-fa4e-7e57-0000-000000000002';
export const FAKE_CLIENT_ID = '00000000-fa4e-7e57-0000-000000000003';

/**
 * Typical claims of an Entra access token for Azure DevOps, valid for an hour from `now`.
 * `version` 2 (default) uses the v2 issuer and `azp`; 1 uses the v1 issuer, `appid` and `upn`.
 */
export function fakeEntraClaims(
  now: Date,
  options: { version?: 1 | 2; app?: boolean } = {},
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  const v1 = options.version === 1;
  const base: Record<string, unknown> = {
    aud: AZURE_DEVOPS_RESOURCE_ID,
    iss: v1 ? `https://sts.windows.net/${FAKE_TENANT_ID}/` : `https://login.microsoftonline.com/${FAKE_TENANT_ID}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    tid: FAKE_TENANT_ID,
    oid: FAKE_OBJECT_ID,
    sub: FAKE_OBJECT_ID,
    ver: v1 ? '1.0' : '2.0',
    ...(v1 ? { appid: FAKE_CLIENT_ID } : { azp: FAKE_CLIENT_ID }),
    ...(options.app
      ? { idtyp: 'app' }
      : v1
        ? { upn: 'fake.user@example.test', scp: 'user_impersonation' }
        : { preferred_username: 'fake.user@example.test', scp: 'user_impersonation' }),
  };
  return { ...base, ...overrides };
}

/**
 * One Microsoft Entra tenant wired to the Azure DevOps emulator: apps with a secret, with federated
 * credentials for GitHub, Azure Pipelines (both issuers) and a token file, one not in the organisation.
 * Tokens the Entra emulator mints are registered with the Azure DevOps emulator as the service principal.
 */
import { X509Certificate } from 'node:crypto';
import { mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { certificateFor } from '../emulators/tls.js';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { EXCHANGE_AUDIENCE, GITHUB_ISSUER, startEntraEmulator, type EntraAppSpec, type EntraEmulator } from '../emulators/entra.js';

export const TENANT = '00000000-fa4e-7e57-0000-0000000e0001';
export const ORG_ID = '00000000-fa4e-7e57-0000-0000000e00a1';
export const SC_ID = '00000000-fa4e-7e57-0000-0000000e00c1';
export const OLD_SC_ID = '00000000-fa4e-7e57-0000-0000000e00c2';
export const RENAMED_SC_ID = '00000000-fa4e-7e57-0000-0000000e00c3';
export const SECRET = 'FAKEq7Ventra8SecretZNOTxREAL1';
export const OLD_SECRET = 'FAKEq7Vold8SecretZNOTxREAL2';
export const GITHUB_REQUEST_TOKEN = 'FAKEghRq9TokenZNOTxREAL1';
export const OTHER_BRANCH_TOKEN = 'FAKEghRq9TokenZNOTxREAL2';
export const JOB_TOKEN = 'FAKEjobK3TokenZNOTxREAL1';
export const GITHUB_SUBJECT = 'repo:octo-org/octo-repo:environment:prod';
export const ENTRA_SC_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
export const ENTRA_SC_SUBJECT = `/eid1/c/pub/t/FAKEtenant/a/FAKEapp/sc/${ORG_ID}/${SC_ID}`;
export const ADO_ISSUER = `https://vstoken.dev.azure.com/${ORG_ID}`;
export const ADO_SUBJECT = 'sc://fabrikam/Fabrikam-Fiber/deploy';
/** A connection renamed after its federated credential was made: the sc:// subject changed with it. */
export const RENAMED_SUBJECT = 'sc://fabrikam/Fabrikam-Fiber/deploy-renamed';
export const AKS_ISSUER = 'https://oidc.prod-aks.azure.com/FAKE-cluster/';

/**
 * RSA certificates for certificate credentials (Entra accepts RSA only; the test PKI's keys are EC),
 * made with the openssl CLI into a temporary directory that is removed at once.
 */
function rsaCertificate(name: string): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-rsa-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', `/CN=${name}`, '-days', '2'],
      {
        stdio: 'ignore',
      },
    );
    return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const GOOD_CERT = rsaCertificate('FAKE preflight test app');
const OTHER_CERT = rsaCertificate('FAKE preflight other app');

const app = (n: string, extra: Partial<EntraAppSpec> = {}): EntraAppSpec => ({
  clientId: `00000000-fa4e-7e57-0000-0000000e01${n}`,
  objectId: `00000000-fa4e-7e57-0000-0000000e02${n}`,
  ...extra,
});

function refused(n: string, refusedBy: NonNullable<EntraAppSpec['refusedBy']>): EntraAppSpec {
  return app(n, {
    refusedBy,
    secrets: [{ value: SECRET }],
    federated: [
      { issuer: GITHUB_ISSUER, subject: GITHUB_SUBJECT },
      { issuer: ENTRA_SC_ISSUER, subject: ENTRA_SC_SUBJECT },
    ],
  });
}

export const APPS = {
  secret: app('01', { secrets: [{ value: SECRET }, { value: OLD_SECRET, expired: true }] }),
  federated: app('02', {
    federated: [
      { issuer: GITHUB_ISSUER, subject: GITHUB_SUBJECT },
      { issuer: ENTRA_SC_ISSUER, subject: ENTRA_SC_SUBJECT },
      { issuer: ADO_ISSUER, subject: ADO_SUBJECT },
      { issuer: AKS_ISSUER, subject: 'system:serviceaccount:default:preflight' },
    ],
  }),
  noFederation: app('03'),
  outsider: app('04', { secrets: [{ value: SECRET }] }),
  disabled: app('05', { secrets: [{ value: SECRET }], disabled: true }),
  wrongAudience: app('06', {
    federated: [
      { issuer: GITHUB_ISSUER, subject: GITHUB_SUBJECT, audience: 'api://AzureADTokenExchangeUSGov' },
      { issuer: ENTRA_SC_ISSUER, subject: ENTRA_SC_SUBJECT, audience: 'api://AzureADTokenExchangeUSGov' },
    ],
  }),
  caseOnly: app('07', { federated: [{ issuer: GITHUB_ISSUER, subject: GITHUB_SUBJECT.toUpperCase() }] }),
  certificate: app('08', { certificates: [GOOD_CERT.cert] }),
  /** Subject name / issuer trust: OTHER_CERT's subject, nothing uploaded; works only with the chain in x5c. */
  subjectName: app('15', { trustedSubjects: [new X509Certificate(OTHER_CERT.cert).subject] }),
  /** Trusts only the Entra-issued service connection: GitHub's and the retiring issuer's tokens miss (700211). */
  pipelinesOnly: app('10', { federated: [{ issuer: ENTRA_SC_ISSUER, subject: ENTRA_SC_SUBJECT }] }),
  /** Tenant-side refusals, whatever the credential: a secret and the GitHub and pipeline subjects. */
  conditionalAccess: refused('11', 'conditional-access'),
  noConsent: refused('12', 'resource-not-in-tenant'),
  issuerNotAllowed: refused('13', 'issuer-not-allowed'),
  roleAssignment: refused('14', 'role-assignment'),
  /** In the organisation with the Stakeholder access level: no code reads (federated and with a secret). */
  stakeholder: app('09', {
    secrets: [{ value: SECRET }],
    federated: [
      { issuer: GITHUB_ISSUER, subject: GITHUB_SUBJECT },
      { issuer: ENTRA_SC_ISSUER, subject: ENTRA_SC_SUBJECT },
    ],
  }),
};

export interface EntraWorld {
  entra: EntraEmulator;
  ado: AzureDevOpsEmulator;
  close(): Promise<void>;
}

export async function startEntraWorld(): Promise<EntraWorld> {
  const ado = await startAzureDevOpsEmulator({
    mode: 'services',
    organizations: [
      { name: 'fabrikam', entraTenantId: TENANT, projects: [{ id: '00000000-fa4e-7e57-0000-0000000e0f01', name: 'Fabrikam-Fiber' }] },
    ],
    tokens: {},
  });
  const entra = await startEntraEmulator({
    tenants: { [TENANT]: Object.values(APPS) },
    githubTokens: { [GITHUB_REQUEST_TOKEN]: GITHUB_SUBJECT, [OTHER_BRANCH_TOKEN]: 'repo:octo-org/octo-repo:ref:refs/heads/feature' },
    pipelineAccessTokens: [JOB_TOKEN],
    serviceConnections: {
      [SC_ID]: { issuer: ENTRA_SC_ISSUER, subject: ENTRA_SC_SUBJECT },
      [OLD_SC_ID]: { issuer: ADO_ISSUER, subject: ADO_SUBJECT },
      [RENAMED_SC_ID]: { issuer: ADO_ISSUER, subject: RENAMED_SUBJECT },
    },
    onMint: (token, a) => {
      ado.options.tokens![token] = {
        user: { id: a.objectId, displayName: `sp-${a.clientId.slice(-4)}`, uniqueName: a.clientId },
        organizations: ['fabrikam'],
        scopes: 'full',
        scheme: 'bearer',
        ...(a === APPS.outsider ? { notMember: { tenantId: TENANT, objectId: a.objectId } } : {}),
        ...(a === APPS.stakeholder ? { accessLevel: 'stakeholder' as const } : {}),
      };
    },
  });
  return { entra, ado, close: async () => void (await Promise.all([entra.close(), ado.close()])) };
}

/** The projected service-account token AKS writes to AZURE_FEDERATED_TOKEN_FILE (fake, unsigned). */
export function aksToken(now: Date, overrides: Record<string, unknown> = {}): string {
  const iat = Math.floor(now.getTime() / 1000);
  const claims = {
    iss: AKS_ISSUER,
    sub: 'system:serviceaccount:default:preflight',
    aud: EXCHANGE_AUDIENCE,
    iat,
    nbf: iat,
    exp: iat + 3600,
    ...overrides,
  };
  return mintEntraJwt(claims);
}

export { EXCHANGE_AUDIENCE, GITHUB_ISSUER };

/** PEM texts as a certificate credential holds them: certificate and private key together. */
export const CERT_PEM = {
  good: `${GOOD_CERT.cert}\n${GOOD_CERT.key}`,
  /** Not uploaded to the app. */
  unknown: `${OTHER_CERT.cert}\n${OTHER_CERT.key}`,
  /** The test PKI's expired certificate: caught before Entra is asked. */
  expired: `${certificateFor('expired').cert}\n${certificateFor('expired').key}`,
  keyOnly: GOOD_CERT.key,
};

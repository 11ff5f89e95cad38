/**
 * Never leaks, on the secretless path through the built bundles: the CLI (Azure Identity variables),
 * the action (GitHub OIDC with client-id / tenant-id, or the Azure Identity variables) and the task
 * (an ARM service connection: federation, secret, certificate) run as child processes, debug on,
 * against a hostile Entra / OIDC / Azure DevOps server that quotes every secret it was ever sent.
 * Nothing they write — stdout and stderr, GITHUB_OUTPUT, the job summary, the task's uploaded summary —
 * may hold the client secret, the request token or job token, the federated token or signed assertion,
 * a line of the certificate's private key, or the minted token (whole, an 8-character slice,
 * URL-encoded or base64). Only the masking commands carry them, and each one the run met is masked.
 *
 * Needs `npm run build` (dist/). dev.azure.com goes through the local forward proxy to the hostile server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mintEntraJwt } from '../../src/core/providers/azure-devops/synthetic.js';
import { startHostileEntra, type HostileEntra, type HostileEntraBehaviour } from '../emulators/hostile-entra.js';
import { startForwardProxy, type ForwardProxy } from '../emulators/proxy.js';
import { getTestTls } from '../emulators/tls.js';
import { CERT_PEM } from '../support/entra.js';
import { baseEnv, runBundle, withoutMaskCommands } from '../support/run-bundle.js';
import { tempDir } from '../support/temp.js';
import { leaks } from '../support/tokens.js';
import { assertNoLeak } from './arbitraries.js';

const TENANT = '00000000-fa4e-7e57-0000-0000000e0001';
const CLIENT = '00000000-fa4e-7e57-0000-0000000e0101';
const SC = '00000000-fa4e-7e57-0000-0000000e00c1';
const KEY_LINES = CERT_PEM.keyOnly.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));

let hostile: HostileEntra;
let proxy: ForwardProxy;
beforeAll(async () => {
  hostile = await startHostileEntra();
  proxy = await startForwardProxy({ route: (host, port) => ({ host: '127.0.0.1', port: host === '127.0.0.1' ? port : hostile.port }) });
});
afterAll(async () => {
  await Promise.all([hostile.close(), proxy.close()]);
});

type Front = 'cli' | 'action' | 'task';
type Way = 'secret' | 'certificate' | 'file' | 'github' | 'pipelines';

interface Scenario {
  name: string;
  front: Front;
  way: Way;
  server: HostileEntraBehaviour;
}

const mint = { kind: 'mint-echo' } as const;
const claims = { kind: 'claims-echo' } as const;
const okAdo = { kind: 'ok-echo' } as const;
const SCENARIOS: Scenario[] = [
  {
    name: 'minted token used, Azure DevOps quoting everything',
    front: 'cli',
    way: 'secret',
    server: { token: mint, oidc: claims, ado: okAdo },
  },
  {
    name: 'certificate refused, 401 quoting the signed assertion',
    front: 'cli',
    way: 'certificate',
    server: { token: { kind: 'aadsts-echo', status: 401, code: 700027 }, oidc: claims, ado: okAdo },
  },
  {
    name: 'token file, HTML page quoting the form',
    front: 'cli',
    way: 'file',
    server: { token: { kind: 'html-echo', status: 400 }, oidc: claims, ado: okAdo },
  },
  {
    name: 'GitHub OIDC token whose claims quote the request token, minted, Azure DevOps 401 quoting',
    front: 'action',
    way: 'github',
    server: { token: mint, oidc: claims, ado: { kind: 'error-echo', status: 401 } },
  },
  {
    name: 'GitHub OIDC endpoint 401 quoting the request token',
    front: 'action',
    way: 'github',
    server: { token: mint, oidc: { kind: 'error-echo' }, ado: okAdo },
  },
  {
    name: 'client secret, subject-mismatch answer quoting it',
    front: 'action',
    way: 'secret',
    server: { token: { kind: 'aadsts-echo', status: 400, code: 700213 }, oidc: claims, ado: okAdo },
  },
  {
    name: 'pipeline OIDC token quoting the job token, minted, Azure DevOps quoting',
    front: 'task',
    way: 'pipelines',
    server: { token: mint, oidc: claims, ado: okAdo },
  },
  {
    name: 'pipeline OIDC endpoint 401 quoting the job token',
    front: 'task',
    way: 'pipelines',
    server: { token: mint, oidc: { kind: 'error-echo' }, ado: okAdo },
  },
  {
    name: 'connection secret, invalid-secret answer quoting it',
    front: 'task',
    way: 'secret',
    server: { token: { kind: 'aadsts-echo', status: 401, code: 7000215 }, oidc: claims, ado: okAdo },
  },
  {
    name: 'connection certificate, minted, Azure DevOps 500 quoting',
    front: 'task',
    way: 'certificate',
    server: { token: mint, oidc: claims, ado: { kind: 'error-echo', status: 500 } },
  },
  {
    name: 'federation, token endpoint redirect with the assertion in the Location',
    front: 'task',
    way: 'pipelines',
    server: { token: { kind: 'redirect-echo', status: 307 }, oidc: claims, ado: okAdo },
  },
];

const readAll = (dir: string): string =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');

/** The environment and arguments of one front end for one way in; `secret` is this run's own secret. */
function launch(sc: Scenario, secret: string, dir: string): { args: string[]; env: Record<string, string> } {
  const pem = path.join(dir, 'cert.pem');
  fs.writeFileSync(pem, CERT_PEM.good);
  const iat = Math.floor(Date.now() / 1000);
  const tokenFile = path.join(dir, 'token');
  fs.writeFileSync(
    tokenFile,
    mintEntraJwt({
      iss: 'https://oidc.example/aks',
      sub: 'system:serviceaccount:default:x',
      aud: 'api://AzureADTokenExchange',
      iat,
      exp: iat + 600,
      jti: secret,
    }),
  );
  const azure: Record<Way, Record<string, string>> = {
    secret: { AZURE_CLIENT_SECRET: secret },
    certificate: { AZURE_CLIENT_CERTIFICATE_PATH: pem },
    file: { AZURE_FEDERATED_TOKEN_FILE: tokenFile },
    github: {},
    pipelines: {},
  };
  const common = {
    NODE_EXTRA_CA_CERTS: getTestTls().caFile,
    AZURE_AUTHORITY_HOST: hostile.origin,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_TENANT_ID: TENANT,
  };
  const url = 'https://dev.azure.com/fabrikam';
  if (sc.front === 'cli')
    return {
      args: [
        '--provider',
        'azure-devops',
        '--url',
        url,
        '--project',
        'Fabrikam-Fiber',
        '--required-scopes',
        'vso.code',
        '--debug',
        '--format',
        secret.length % 2 ? 'json' : 'text',
      ],
      env: { ...common, ...azure[sc.way], HTTPS_PROXY: proxy.url },
    };
  if (sc.front === 'action') {
    const oidc =
      sc.way === 'github'
        ? {
            'INPUT_CLIENT-ID': CLIENT,
            'INPUT_TENANT-ID': TENANT,
            ACTIONS_ID_TOKEN_REQUEST_URL: `${hostile.origin}/_services/idtoken?api-version=2.0`,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: secret,
          }
        : azure[sc.way];
    return {
      args: [],
      env: {
        ...common,
        ...oidc,
        HTTPS_PROXY: proxy.url,
        INPUT_URL: url,
        INPUT_PROJECT: 'Fabrikam-Fiber',
        GITHUB_OUTPUT: path.join(dir, 'output'),
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
        RUNNER_DEBUG: '1',
      },
    };
  }
  const parameters: Record<string, string> = { serviceprincipalid: CLIENT, tenantid: TENANT };
  const scheme = sc.way === 'pipelines' ? 'WorkloadIdentityFederation' : 'ServicePrincipal';
  if (sc.way === 'secret') Object.assign(parameters, { authenticationType: 'spnKey', serviceprincipalkey: secret });
  if (sc.way === 'certificate')
    Object.assign(parameters, { authenticationType: 'spnCertificate', servicePrincipalCertificate: CERT_PEM.good });
  const job = sc.way === 'pipelines' ? secret : 'FAKEjobK3TokenZNOTxREAL9';
  return {
    args: [],
    env: {
      NODE_EXTRA_CA_CERTS: getTestTls().caFile,
      AGENT_PROXYURL: proxy.url,
      AGENT_TEMPDIRECTORY: dir,
      SYSTEM_DEBUG: 'true',
      INPUT_AZURESUBSCRIPTION: SC,
      INPUT_REQUIREDSCOPES: 'vso.code',
      [`ENDPOINT_AUTH_${SC}`]: JSON.stringify({ scheme, parameters }),
      [`ENDPOINT_AUTH_SCHEME_${SC}`]: scheme,
      [`ENDPOINT_DATA_${SC}_ACTIVEDIRECTORYAUTHORITY`]: `${hostile.origin}/`,
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ scheme: 'OAuth', parameters: { AccessToken: job } }),
      SYSTEM_OIDCREQUESTURI: `${hostile.origin}/fabrikam/00000000-fa4e-7e57-0000-00000000e001/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken`,
      SYSTEM_COLLECTIONURI: `${url}/`,
      SYSTEM_TEAMPROJECT: 'Fabrikam-Fiber',
    },
  };
}

describe('no output of any front end on the secretless path contains a secret', () => {
  it.each(SCENARIOS.map((s, i) => [`${s.front} ${s.way}: ${s.name}`, s, i] as const))('%s', async (_name, sc, i) => {
    const secret = `FAKE${sc.way}Q${i}x7Secret~${'abcdefghij'.slice(0, 3 + (i % 7))}NOTxREAL`;
    const dir = tempDir('leak-entra');
    hostile.reset();
    hostile.behave(sc.server);
    const { args, env } = launch(sc, secret, dir);
    if (sc.front === 'action') for (const f of ['output', 'summary.md']) fs.writeFileSync(path.join(dir, f), '');
    const r = await runBundle(sc.front, args, baseEnv(env));

    const written =
      sc.front === 'cli'
        ? ''
        : readAll(dir)
            .replace(CERT_PEM.good, '')
            .replace(fs.readFileSync(path.join(dir, 'token'), 'utf8'), '');
    const outputs = { stdout: withoutMaskCommands(r.stdout), stderr: r.stderr, 'files written': written };
    const assertions = hostile.forms.map((f) => f.get('client_assertion')).filter((v): v is string => !!v);
    const fileToken = sc.way === 'file' ? [fs.readFileSync(path.join(dir, 'token'), 'utf8')] : [];
    const secrets = [...(sc.way === 'certificate' || sc.way === 'file' ? [] : [secret]), ...hostile.issued, ...assertions, ...fileToken];
    for (const s of secrets) assertNoLeak(outputs, s);
    const all = Object.values(outputs).join('\n');
    for (const line of KEY_LINES) expect(leaks(all, line)).toEqual([]);

    // Not vacuous: the server was reached and answered; every secret the run met was registered for masking.
    expect(hostile.requests.length).toBeGreaterThan(0);
    const minted =
      sc.server.token.kind === 'mint-echo' &&
      (sc.way !== 'github' && sc.way !== 'pipelines' ? true : sc.server.oidc.kind === 'claims-echo');
    if (minted) {
      expect(hostile.issued.length).toBeGreaterThan(0);
      expect(hostile.requests.some((q) => q.method === 'GET' && q.hasAuth && q.host.endsWith('dev.azure.com'))).toBe(true);
    }
    const masks = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::') || l.startsWith('##vso[task.setsecret]'))
      .map((l) => l.replace(/^::add-mask::|^##vso\[task\.setsecret\]/, ''));
    if (sc.front !== 'cli') for (const s of secrets) expect(masks).toContain(s);
  });
});

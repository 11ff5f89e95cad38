/**
 * The secretless path: obtain the platform's federated token (or use a client secret), exchange it at
 * Microsoft Entra ID for an Azure DevOps token, then run the usual Azure DevOps checks with it. Each
 * broken link ends in its own finding. Every secret (client secret, the platform's request token, the
 * assertion, the minted token) goes to `mask` before it is used.
 */
import { HttpClient, isLoopback } from '../http/client.js';
import { HTTP_LIMITS } from '../http/limits.js';
import { createTransport } from '../http/transport.js';
import { reportBeforeToken, runPreflight, type PreflightDeps } from '../preflight.js';
import { type Finding, type Report } from '../report.js';
import type { CheckRequest } from '../request.js';
import { withoutUserinfo } from '../url-common.js';
import { secretForms, secretScrubber } from '../secrets.js';
import { codeForAadsts } from './aadsts.js';
import { obtainAssertion } from './assertion.js';
import { fromCertificate, privateKeyLines } from './certificate.js';
import { readAssertionClaims, type AssertionClaims } from './claims.js';
import { buildTokenRequest, exchange } from './exchange.js';
import * as msg from './messages.js';
import { federationAudience, type EntraCredential } from './source.js';
import type { Dispatcher } from 'undici';

export {
  entraFromArmConnection,
  entraFromAzureEnv,
  entraFromGitHubInputs,
  useEntra,
  type EntraCredential,
  type AssertionSource,
} from './source.js';

export interface EntraDeps extends PreflightDeps {
  /** Reads AZURE_FEDERATED_TOKEN_FILE. */
  readFile?: (path: string) => string;
  /** The adapter's masker (setSecret, ::add-mask::, the CLI's redaction list). */
  mask: (secret: string) => void;
}

const LABEL = 'Microsoft Entra access token (from workload identity federation, a client secret or a certificate)';

/** Values that would build a wrong or unsafe token URL. */
function configFindings(c: EntraCredential): Finding[] {
  if (c.uncheckable) return [msg.schemeUncheckable(c.origin, c.uncheckable)];
  if (c.incomplete) return [msg.envIncomplete(c.incomplete)];
  if (!c.clientId || !c.tenantId) return [msg.missingId(c.origin, c.clientId ? 'tenant id' : 'client id')];
  const out: Finding[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(c.tenantId)) out.push(msg.badTenant(c.origin));
  if (!safeAuthority(c.authorityHost)) out.push(msg.badAuthority(c.authorityHost));
  return out;
}

/** An origin only (no path, no user info), over HTTPS — or plain HTTP on loopback, as the HTTP client allows. */
function safeAuthority(host: string): boolean {
  if (!/^https?:\/\/[^/?#@]+$/i.test(host)) return false;
  const url = new URL(host);
  return url.protocol === 'https:' || isLoopback(url.hostname);
}

interface Stage {
  dispatcher: Dispatcher;
  deps: EntraDeps;
  deadlineMs: number;
}

function clientFor(stage: Stage, origin: string, bearer: string | undefined): HttpClient {
  const { deps } = stage;
  return new HttpClient({
    dispatcher: stage.dispatcher,
    ...(bearer !== undefined ? { credential: { name: 'authorization', value: `Bearer ${bearer}` } } : {}),
    credentialOrigins: [origin],
    monotonic: deps.monotonic,
    wallClock: () => deps.now().getTime(),
    ...(deps.log ? { log: deps.log } : {}),
    deadlineMs: stage.deadlineMs,
    requestTimeoutMs: Math.min(HTTP_LIMITS.requestTimeoutMs, stage.deadlineMs),
    ...deps.http,
  });
}

type Minted = { token: string; shown: Presented } | { finding: Finding };

/** What is presented instead of a secret: the platform's federated token, or an assertion signed with a certificate. */
interface Presented {
  assertion?: string;
  claims?: AssertionClaims;
  /** The certificate's thumbprint, when one signed the assertion. */
  thumbprint?: string;
}

async function present(c: EntraCredential, stage: Stage, audience: string): Promise<Presented | { finding: Finding }> {
  const readFile = stage.deps.readFile ?? missingReader;
  if (c.certificate) return fromCertificate(c, c.certificate, { readFile, mask: stage.deps.mask, now: stage.deps.now() });
  if (!c.assertion) return {};
  const got = await obtainAssertion(c.assertion, { readFile, client: (o, t) => clientFor(stage, o, t), audience });
  if ('finding' in got) return got;
  stage.deps.mask(got.token);
  const claims = readAssertionClaims(got.token);
  return claims ? { assertion: got.token, claims } : { finding: msg.notAJwt('The token the platform issued') };
}

/** The assertion (federated or certificate-signed), then the exchange. */
async function mint(c: EntraCredential, stage: Stage): Promise<Minted> {
  const audience = federationAudience(c.authorityHost);
  const shown = await present(c, stage, audience);
  if ('finding' in shown) return shown;
  const request = buildTokenRequest(c, shown.assertion);
  const answer = await exchange(clientFor(stage, new URL(request.url).origin, undefined), request);
  if (answer.kind === 'network') return { finding: msg.authorityTrouble(answer, c) };
  if (answer.kind === 'error') {
    const code = codeForAadsts(answer.error.code);
    // A signed assertion that Entra refuses is the certificate's fault (unknown to the app, or expired there).
    if (shown.thumbprint && code === 'entra.assertion-invalid')
      return { finding: msg.certificateRefused(answer.error, c, shown.thumbprint) };
    return { finding: msg.exchangeRefused(code, answer.error, c, shown.claims, audience) };
  }
  return { token: answer.token, shown };
}

const missingReader = (): string => {
  throw Object.assign(new Error('no file reader'), { code: 'EUNSUPPORTED' });
};

/** The secrets known before any request: what the adapter must already have masked, masked again here. */
function knownSecrets(c: EntraCredential): string[] {
  const a = c.assertion;
  const platform = a?.kind === 'github' ? a.requestToken : a?.kind === 'azure-pipelines' ? a.accessToken : undefined;
  return [c.secret, platform, c.certificate?.password, ...privateKeyLines(c.certificate?.pem ?? '')].filter(
    (v): v is string => !!v && v.trim() !== '',
  );
}

/** Every masked secret's forms, hidden from a text (rebuilt only when a secret was added). */
function maskedScrubber(masked: readonly string[]): (text: string) => string {
  let size = -1;
  let scrub: (text: string) => string = (t) => t;
  return (text) => {
    if (size !== masked.length) [size, scrub] = [masked.length, secretScrubber(masked.flatMap((s) => secretForms(s)))];
    return scrub(text);
  };
}

/** A copy with every string scrubbed: the Azure DevOps stage only knows the minted token, not the secrets before it. */
function scrubDeep<T>(data: T, scrub: (text: string) => string): T {
  if (typeof data === 'string') return scrub(data) as T;
  if (Array.isArray(data)) return data.map((v) => scrubDeep(v, scrub)) as T;
  if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, scrubDeep(v, scrub)])) as T;
  return data;
}

export async function runEntraPreflight(
  c: EntraCredential,
  request: CheckRequest,
  deps: EntraDeps,
  inputFindings: Finding[] = [],
): Promise<Report> {
  const started = deps.monotonic();
  // Everything masked is also scrubbed from what any server says (an error text could quote it).
  const masked: string[] = [];
  const mask = (secret: string): void => {
    masked.push(secret);
    deps.mask(secret);
  };
  knownSecrets(c).forEach(mask);
  const scrub = maskedScrubber(masked);
  const log = deps.log && ((e: Parameters<NonNullable<EntraDeps['log']>>[0]) => deps.log!(scrubDeep(e, scrub)));
  const safeDeps: EntraDeps = { ...deps, mask, ...(log ? { log } : {}) };
  const adoRequest: CheckRequest = {
    ...request,
    provider: 'azure-devops',
    tokenType: 'auto',
    tokenSource: `Microsoft Entra (${c.origin})`,
  };
  const early = [...configFindings(c)];
  if (request.offline) early.push(msg.offlineEntra());
  if (early.length) return labelled(reportBeforeToken(adoRequest, [...inputFindings, ...early], deps.monotonic() - started), request.url);

  const dispatcher = deps.dispatcher ?? createTransport({ env: deps.env ?? {}, ...deps.transport });
  let minted: Minted;
  try {
    minted = await mint(c, { dispatcher, deps: safeDeps, deadlineMs: request.timeoutMs });
  } finally {
    if (!deps.dispatcher) await dispatcher.close();
  }
  if ('finding' in minted)
    return labelled(
      scrubDeep(reportBeforeToken(adoRequest, [...inputFindings, minted.finding], deps.monotonic() - started), scrub),
      request.url,
    );
  mask(minted.token);
  const notes = [
    msg.exchanged(c, minted.shown.claims, minted.shown.thumbprint),
    ...(minted.shown.claims?.issuerKind === 'azure-devops' ? [msg.retiringIssuer(minted.shown.claims, c, deps.now())] : []),
  ];
  const left = Math.max(1000, request.timeoutMs - (deps.monotonic() - started));
  const report = scrubDeep(
    await runPreflight({ ...adoRequest, token: minted.token, timeoutMs: left }, safeDeps, [...inputFindings, ...notes]),
    scrub,
  );
  report.tokenLabel = LABEL;
  report.timings.totalMs = Math.round((deps.monotonic() - started) * 100) / 100;
  return report;
}

/** A report that ended before a token: the URL asked for is still shown (never a user name or password in it). */
function labelled(report: Report, url: string | undefined): Report {
  const input = report.url.input ?? (url?.trim() ? withoutUserinfo(url.trim()) : null);
  return { ...report, provider: 'azure-devops', tokenKind: 'azure-devops.entra', tokenLabel: LABEL, url: { ...report.url, input } };
}

/**
 * The preflight: offline stage (hygiene → provider → token format and checksum → URL shape →
 * expiry), then the online stage. Knows providers only through the registry; never prints.
 */
import { decideOutcome, finding, sortFindings, type Finding, type ProviderId, type Report } from './report.js';
import { checkHygiene } from './hygiene.js';
import { offlineScopeCheck } from './providers/offline-scopes.js';
import { detectProvider, PROVIDER_MODULES } from './providers/registry.js';
import { providerOfUrl } from './providers/url-owner.js';
import type { OnlineChecks, TokenAnalysis, TokenContext, UrlAnalysis } from './providers/types.js';
import { namedFinding, providerOfVariable, type CheckRequest, type Env } from './request.js';
import { HttpClient, type HttpClientOptions } from './http/client.js';
import { HTTP_LIMITS } from './http/limits.js';
import { loadNetworkStack, type NetworkStack } from './http/load.js';
import type { HttpLogEntry } from './http/log.js';
import type { Transport, TransportOptions } from './http/transport.js';
import { secretForms, secretScrubber } from './secrets.js';
import { agreeingFixes, shownAsTyped, withoutUserinfo } from './url-common.js';
import type { Dispatcher } from 'undici';
import { plural } from './plural.js';
import { withArticle } from './article.js';

export interface PreflightDeps {
  /** Wall clock, for expiry. */
  now: () => Date;
  /** Monotonic milliseconds, for timings. */
  monotonic: () => number;
  /** Environment (proxies). */
  env?: Env;
  /** Transport for online checks; built from `transport` (or env) when absent. Tests inject the emulators' routes. */
  dispatcher?: Dispatcher;
  /** Proxy / CA settings from the platform (the Azure agent's), used when no dispatcher is injected. */
  transport?: Omit<TransportOptions, 'env'>;
  /** Timeouts, retries, backoff. */
  http?: Pick<HttpClientOptions, 'requestTimeoutMs' | 'deadlineMs' | 'maxRetries' | 'minBackoffMs' | 'maxBackoffMs'>;
  /** Debug log of each request (method, host, path, status, timing); never headers or bodies. */
  log?: (entry: HttpLogEntry) => void;
  /** Loads the network stack (load.ts's by default); tests observe when it runs. */
  loadNetworkStack?: (whileWaiting?: boolean) => Promise<NetworkStack>;
}

export const systemDeps: PreflightDeps = { now: () => new Date(), monotonic: () => performance.now() };

const DAY_MS = 86_400_000;
const SHORT_LIVED_MARGIN_MS = 10 * 60_000;

function emptyReport(request: CheckRequest): Report {
  return {
    schemaVersion: 1,
    outcome: 'passed',
    provider: request.provider === 'auto' ? null : request.provider,
    tokenKind: null,
    tokenLabel: null,
    url: { input: null, normalized: null },
    identity: null,
    // A pasted clone URL may carry a user name and password: the report never repeats them.
    project: { requested: request.project === undefined ? null : withoutUserinfo(request.project), canonical: null },
    scopes: { required: [...request.requiredScopes], verified: [], missing: [], unverifiable: [] },
    expiresAt: null,
    expirySource: null,
    daysRemaining: null,
    findings: [],
    timings: { totalMs: 0 },
  };
}

/**
 * The provider the user's setup names when the token does not: the URL's host, else the variable the
 * token was read from when that provider's tools use it (GITHUB_TOKEN), with the info line saying so.
 */
function hintedProvider(request: CheckRequest): { provider: ProviderId; from: (name: string) => string } | undefined {
  const byHost = providerOfUrl(request.url);
  if (byHost) return { provider: byHost, from: (name) => `the URL, which is ${withArticle(name)} address` };
  const origin = request.tokenOrigin;
  const variable = origin && 'variable' in origin ? origin.variable : undefined;
  const byVariable = providerOfVariable(variable);
  if (byVariable)
    return {
      provider: byVariable,
      from: (name) => `the variable it was read from, ${variable}, where ${name} tokens are conventionally kept`,
    };
  return undefined;
}

/**
 * A token no provider recognises, with a URL (or token variable) only one provider uses: that picks
 * the provider, whose own analysis then says precisely why the token is none of its formats.
 */
function byUrl(request: CheckRequest, token: string, ctx: TokenContext): TokenAnalysis | Finding {
  const hint = hintedProvider(request);
  if (!hint)
    return finding(
      'token.format',
      'error',
      'The token matches no format issued by Azure DevOps, GitHub, GitLab or Bitbucket, so its provider cannot be detected.',
      'Copy the token again from the provider, or set `provider` explicitly to get a precise diagnosis of what is wrong with it.',
    );
  const module = PROVIDER_MODULES[hint.provider];
  const analysis = module.analyzeToken(token, ctx, true)!;
  const picked = finding(
    'token.info',
    'info',
    `The token matches no provider's format, so the provider was taken from ${hint.from(module.displayName)}.`,
    'Set `provider` explicitly if that is not the provider the token is for.',
  );
  return { ...analysis, findings: [...analysis.findings, picked] };
}

function analyzeToken(request: CheckRequest, token: string, now: Date): TokenAnalysis | Finding {
  const ctx = { now, tokenType: request.tokenType };
  if (request.provider === 'auto') return detectProvider(token, ctx) ?? byUrl(request, token, ctx);
  const module = PROVIDER_MODULES[request.provider];
  const own = module.analyzeToken(token, ctx, false);
  if (own) return own;
  const other = request.tokenType === 'system-access-token' ? undefined : detectProvider(token, ctx, request.provider);
  if (other) {
    const otherName = PROVIDER_MODULES[other.provider].displayName;
    return {
      ...other,
      findings: [
        finding(
          'token.provider-mismatch',
          'error',
          `The token is ${withArticle(other.label.startsWith(otherName) ? other.label : `${otherName} ${other.label}`)}, but the provider is set to ${module.displayName}.`,
          `Wire the ${module.displayName} token to this step, or set \`provider\` to ${other.provider} (or auto).`,
        ),
      ],
    };
  }
  return module.analyzeToken(token, ctx, true)!;
}

/** Expiry from the token (exact or upper bound) against the min-days-remaining threshold. */
function expiryFindings(report: Report, analysis: TokenAnalysis, request: CheckRequest, now: Date): Finding[] {
  const exact = analysis.expiresAt;
  const bound = analysis.latestExpiry;
  const given = request.expiresOn;
  const extra: Finding[] = [];
  if (given && bound && given.getTime() > bound.getTime()) {
    extra.push(
      finding(
        'config.invalid',
        'warning',
        `\`expires-on\` says ${given.toISOString().slice(0, 10)}, but this token cannot be valid after ${bound.toISOString().slice(0, 10)} (PATs live at most one year from creation).`,
        'Correct `expires-on` to the date shown when the token was created.',
      ),
    );
  }
  // The most precise knowledge wins: the token's own claim, then the user's date, then the bound.
  const at = exact ?? (given && (!bound || given.getTime() <= bound.getTime()) ? given : bound);
  if (!at) return extra;
  report.expiresAt = at.toISOString();
  report.expirySource = exact ? 'token' : at === given ? 'input' : 'upper-bound';
  const days = Math.floor((at.getTime() - now.getTime()) / DAY_MS);
  report.daysRemaining = days;
  if (at === given && at.getTime() <= now.getTime()) {
    return [
      ...extra,
      finding(
        'token.expired',
        'error',
        `The token expired on ${at.toISOString().slice(0, 10)} (per \`expires-on\`).`,
        'Regenerate the token (or create a new one), update the secret and `expires-on`.',
      ),
    ];
  }
  if (at.getTime() <= now.getTime()) return extra; // the token analysis already reported token.expired
  // Short-lived tokens (Entra, job tokens: about an hour) would trip a threshold in days on every
  // run; for them only the last minutes matter (later steps may outlive the token).
  const leftMs = at.getTime() - now.getTime();
  if (report.expirySource === 'token' && leftMs < DAY_MS) {
    if (leftMs >= SHORT_LIVED_MARGIN_MS) return extra;
    return [
      ...extra,
      finding(
        'token.expiring',
        'warning',
        `The token expires in ${plural(Math.max(1, Math.round(leftMs / 60_000)), 'minute')}; later steps may outlive it.`,
        'Acquire the token right before the steps that use it, or refresh it between steps.',
      ),
    ];
  }
  if (days >= request.minDaysRemaining) return extra;
  const when = at.toISOString().slice(0, 10);
  return [
    ...extra,
    finding(
      'token.expiring',
      'warning',
      report.expirySource !== 'upper-bound'
        ? `The token expires on ${when}, in ${plural(days, 'day')}, under the required ${request.minDaysRemaining}.`
        : `The token cannot be valid after ${when} (${plural(days, 'day')} from now, under the required ${request.minDaysRemaining}); it may expire sooner.`,
      'Regenerate the token (or extend it) now and update the secret, before pipelines start failing.',
    ),
  ];
}

/** Token and URL name different providers: which one was believed, and why. */
function urlMismatch(request: CheckRequest, report: Report, urlName: string, tokenName: string): Finding {
  const why =
    request.provider !== 'auto'
      ? `\`provider\` is set to ${tokenName}, so that was believed`
      : `the token's own format makes it ${report.tokenLabel ? withArticle(report.tokenLabel) : `${withArticle(tokenName)} token`}, so the token was believed`;
  return finding(
    'url.provider-mismatch',
    'error',
    `The URL is ${withArticle(urlName)} address, but ${why}; the URL was set aside, not turned into ${withArticle(tokenName)} address.`,
    `Wire the ${urlName} secret to this step, or pass ${withArticle(tokenName)} URL.`,
  );
}

function applyUrl(report: Report, url: UrlAnalysis, raw: string | undefined, request: CheckRequest, provider: ProviderId): Finding[] {
  report.url = { input: url.input, normalized: url.normalized };
  // The one place a URL of another provider is caught (a flag, a credentials-file entry, a step
  // input or the environment all arrive here), read from the text as typed: an SSH or scp-style
  // clone URL this provider cannot parse still names its provider.
  const owner = providerOfUrl(raw);
  if (raw !== undefined && owner && owner !== provider) {
    // Never show a URL nobody typed: the provider's defaults applied to another provider's host.
    report.url = { input: shownAsTyped(raw), normalized: null };
    return [urlMismatch(request, report, PROVIDER_MODULES[owner].displayName, PROVIDER_MODULES[provider].displayName)];
  }
  const findings = [...url.findings];
  if (url.project) {
    if (!request.project) {
      report.project.requested = url.project;
      findings.push(
        finding(
          'project.info',
          'info',
          `Using the project "${url.project}" found in the URL.`,
          'Pass `project` explicitly to make this intent clear.',
        ),
      );
    } else if (url.project.toLowerCase() !== request.project.toLowerCase()) {
      findings.push(
        finding(
          'project.info',
          'warning',
          `The URL names the project "${url.project}" but \`project\` is "${report.project.requested}"; checking "${report.project.requested}".`,
          'Remove the project from the URL, or make the two agree.',
        ),
      );
    }
  }
  return findings;
}

/**
 * The provider said the token has expired: every sink agrees with it. No days remain (0, or the
 * negative days since a date in the past); a date is kept only when it is in the past (a future
 * one, such as the offline upper bound, is not when the token expires); a token.expiring warning
 * from that date no longer applies. Returns the offline findings without it.
 */
function expiredPerProvider(report: Report, offline: Finding[], now: Date): Finding[] {
  const at = report.expiresAt === null ? undefined : Date.parse(report.expiresAt);
  if (at === undefined || at > now.getTime()) {
    report.expiresAt = null;
    report.expirySource = 'provider';
    report.daysRemaining = 0;
  }
  return offline.filter((f) => f.code !== 'token.expiring');
}

interface OnlineArgs {
  request: CheckRequest;
  analysis: TokenAnalysis;
  url: UrlAnalysis;
  token: string;
  now: Date;
}

/**
 * The transport, created when the HTTP client first needs it. The network stack (undici) is loaded
 * then, not at start-up: an offline check never pays for it, and an online one sends its first
 * requests through Node's HTTPS client while it loads (the first wave, http/first-wave.ts).
 */
function lazyTransport(
  settings: TransportOptions,
  origin: string | undefined,
  preconnect: number | undefined,
  load: () => Promise<NetworkStack> = loadNetworkStack,
): { create: () => Promise<Transport>; close: () => Promise<void> } {
  let transport: Promise<Transport> | undefined;
  return {
    create: () =>
      (transport ??= load().then((stack) => {
        const t = stack.createTransport(settings);
        // The handshakes of the widest round trip overlap with the first one (only to the configured host).
        if (origin && preconnect) t.preconnect(origin, preconnect);
        return t;
      })),
    // Never created (every answer came in the first wave before anything needed it): nothing to
    // close, and nothing loaded just to close it. One being created is awaited, then closed.
    close: async () =>
      transport?.then(
        (t) => t.close(),
        () => undefined,
      ),
  };
}

async function runOnline(report: Report, online: OnlineChecks, args: OnlineArgs, deps: PreflightDeps): Promise<Finding[]> {
  const { request, analysis, url, token, now } = args;
  const settings: TransportOptions = { env: deps.env ?? {}, ...deps.transport };
  const lazy = lazyTransport(settings, online.credentialOrigins(url)[0], online.preconnect, deps.loadNetworkStack);
  // Servers may echo the credential (error texts, names, redirects): nothing they said leaves unscrubbed.
  const scrub = secretScrubber(secretForms(request.token, request.username));
  const log = deps.log;
  const http = new HttpClient({
    dispatcher: deps.dispatcher ?? lazy.create,
    ...(deps.dispatcher ? {} : { firstWave: settings }),
    ...(deps.loadNetworkStack ? { loadNetworkStack: deps.loadNetworkStack } : {}),
    credential: online.credential(token, analysis, request.username),
    gitCredential: online.gitCredential?.(token, analysis),
    credentialOrigins: online.credentialOrigins(url),
    monotonic: deps.monotonic,
    wallClock: () => deps.now().getTime(),
    log: log && ((e) => log({ ...e, path: scrub(e.path), ...(e.note !== undefined ? { note: scrub(e.note) } : {}) })),
    // The user's `timeout-seconds` bounds everything; one request never takes more than 10 s of it.
    deadlineMs: request.timeoutMs,
    requestTimeoutMs: Math.min(HTTP_LIMITS.requestTimeoutMs, request.timeoutMs),
    ...deps.http,
  });
  try {
    const result = await online.check(http, {
      url,
      token: analysis,
      project: report.project.requested ?? undefined,
      requiredScopes: request.requiredScopes,
      username: request.username,
      now,
    });
    if (result.identity)
      report.identity = {
        ...result.identity,
        name: scrub(result.identity.name),
        ...(result.identity.id !== undefined ? { id: scrub(result.identity.id) } : {}),
      };
    if (result.projectCanonical) report.project.canonical = scrub(result.projectCanonical);
    if (result.scopes) {
      const s = result.scopes;
      report.scopes = {
        ...s,
        required: s.required.map(scrub),
        verified: s.verified.map(scrub),
        missing: s.missing.map(scrub),
        unverifiable: s.unverifiable.map(scrub),
      };
    }
    const extra: Finding[] = [];
    if (result.expiresAt && !analysis.expiresAt) {
      extra.push(...expiryFindings(report, { ...analysis, expiresAt: result.expiresAt }, request, now));
      report.expirySource = 'provider';
    }
    return [...result.findings, ...extra].map((f) => ({ ...f, message: scrub(f.message), hint: scrub(f.hint) }));
  } finally {
    // An injected dispatcher belongs to the caller; one we built is ours to close.
    await lazy.close();
  }
}

/** The token's shape: its analysis (recorded on the report) and findings. */
function readToken(report: Report, request: CheckRequest, token: string, now: Date): { analysis?: TokenAnalysis; findings: Finding[] } {
  const result = analyzeToken(request, token, now);
  if ('code' in result) return { findings: [result] };
  report.provider = request.provider === 'auto' ? result.provider : request.provider;
  report.tokenKind = result.kind;
  report.tokenLabel = result.label;
  return { analysis: result, findings: result.findings };
}

/** The URL (and project) for the provider, then the checks that need both token and URL. */
function readUrl(
  report: Report,
  request: CheckRequest,
  providerId: ProviderId,
  analysis: TokenAnalysis | undefined,
  now: Date,
): { url: UrlAnalysis; findings: Finding[] } {
  const module = PROVIDER_MODULES[providerId];
  // With provider auto, the environment's URL and project for the detected provider apply now.
  const urlInput = request.url ?? request.defaults?.url[providerId];
  report.project.requested ??= request.defaults?.project[providerId] ?? null;
  const url = agreeingFixes(module.analyzeUrl(urlInput, { offline: request.offline }));
  const findings = applyUrl(report, url, urlInput, request, providerId);
  if (analysis && analysis.provider === providerId) {
    findings.push(...expiryFindings(report, analysis, request, now));
    if (module.crossCheck) findings.push(...module.crossCheck(analysis, { username: request.username }));
  }
  return { url, findings };
}

interface OfflineResult {
  providerId: ProviderId | null;
  analysis: TokenAnalysis | undefined;
  url: UrlAnalysis | undefined;
  token: string | undefined;
}

/** Why the online checks did not run, or what they found. */
async function onlineStage(
  report: Report,
  request: CheckRequest,
  offline: OfflineResult,
  blocking: boolean,
  deps: PreflightDeps,
  now: Date,
): Promise<Finding[]> {
  const { providerId, analysis, url, token } = offline;
  const online = providerId ? PROVIDER_MODULES[providerId].online : undefined;
  if (request.offline)
    return [
      finding(
        'online.skipped',
        'info',
        'Offline mode: identity, project, scopes and revocation were not checked.',
        'Run without `offline` to check them against the provider.',
      ),
    ];
  if (blocking)
    return [
      finding(
        'online.skipped',
        'info',
        'Online checks were skipped because of the errors above.',
        'Fix the errors above; the online checks then run automatically.',
      ),
    ];
  if (providerId && online && analysis && url && token !== undefined)
    return runOnline(report, online, { request, analysis, url, token, now }, deps);
  if (providerId)
    return [
      finding(
        'online.unavailable',
        'info',
        `This version checks ${PROVIDER_MODULES[providerId].displayName} credentials offline only.`,
        'Nothing to do: the result covers the token and URL shape.',
      ),
    ];
  return [];
}

/** The report of a check that ended before there was a token to check (a refused Entra exchange). */
export function reportBeforeToken(request: CheckRequest, findings: Finding[], totalMs: number): Report {
  const report = emptyReport(request);
  report.findings = sortFindings(findings).map((f) => namedFinding(f, request.naming));
  report.outcome = decideOutcome(report.findings, request.failOnWarning);
  report.timings.totalMs = Math.round(totalMs * 100) / 100;
  return report;
}

export async function runPreflight(
  request: CheckRequest,
  deps: PreflightDeps = systemDeps,
  inputFindings: Finding[] = [],
): Promise<Report> {
  const started = deps.monotonic();
  const now = deps.now();
  const report = emptyReport(request);
  const findings: Finding[] = [...inputFindings];

  const hygiene = checkHygiene(request.token, request.tokenSource, request);
  findings.push(...hygiene.findings);
  // A value that is no token (an unexpanded reference, a placeholder) still belongs to the provider the setup names.
  if (hygiene.token === undefined && request.token?.trim() && request.provider === 'auto')
    report.provider = hintedProvider(request)?.provider ?? null;

  let analysis: TokenAnalysis | undefined;
  if (hygiene.token !== undefined) {
    const read = readToken(report, request, hygiene.token, now);
    analysis = read.analysis;
    findings.push(...read.findings);
  }

  const providerId = report.provider;
  let url: UrlAnalysis | undefined;
  if (providerId) {
    const read = readUrl(report, request, providerId, analysis, now);
    url = read.url;
    findings.push(...read.findings);
  } else if (request.url) {
    // No provider to parse it: still never show a user name or password pasted into it.
    report.url = { input: shownAsTyped(request.url), normalized: null };
  }

  const blocking = findings.some((f) => f.severity === 'error');
  // What the online check would say about required scopes, said offline when it does not run.
  if (providerId && (request.offline || blocking)) {
    const scopes = offlineScopeCheck(providerId, analysis, request.requiredScopes);
    findings.push(...scopes.findings);
    report.scopes.missing = scopes.missing;
  }
  const online = await onlineStage(report, request, { providerId, analysis, url, token: hygiene.token }, blocking, deps, now);
  if (online.some((f) => f.code === 'token.expired')) findings.splice(0, findings.length, ...expiredPerProvider(report, findings, now));
  findings.push(...online);

  report.findings = sortFindings(findings).map((f) => namedFinding(f, request.naming));
  report.outcome = decideOutcome(report.findings, request.failOnWarning);
  report.timings.totalMs = Math.round((deps.monotonic() - started) * 100) / 100;
  return report;
}

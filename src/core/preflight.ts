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
import type { CheckRequest, Env } from './request.js';
import type { HttpClientOptions } from './http/client.js';
import { HTTP_LIMITS } from './http/limits.js';
import { loadNetworkStack } from './http/load.js';
import type { HttpLogEntry } from './http/log.js';
import type { TransportOptions } from './http/transport.js';
import { secretForms, secretScrubber } from './secrets.js';
import { agreeingFixes } from './url-common.js';
import { withoutUserinfo } from './url-common.js';
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
 * A token no provider recognises, with a URL only one provider uses: the URL picks the
 * provider, whose own analysis then says precisely why the token is none of its formats.
 */
function byUrl(request: CheckRequest, token: string, ctx: TokenContext): TokenAnalysis | Finding {
  const owner = providerOfUrl(request.url);
  if (!owner)
    return finding(
      'token.format',
      'error',
      'The token matches no format issued by Azure DevOps, GitHub, GitLab or Bitbucket, so its provider cannot be detected.',
      'Copy the token again from the provider, or set `provider` explicitly to get a precise diagnosis of what is wrong with it.',
    );
  const module = PROVIDER_MODULES[owner];
  const analysis = module.analyzeToken(token, ctx, true)!;
  const picked = finding(
    'token.info',
    'info',
    `The token matches no provider's format, so the provider was taken from the URL, which is ${withArticle(module.displayName)} address.`,
    'Set `provider` explicitly if the URL does not name the provider the token is for.',
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
  const days = Math.floor((at.getTime() - now.getTime()) / DAY_MS);
  report.daysRemaining = days;
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

function applyUrl(report: Report, url: UrlAnalysis, request: CheckRequest, provider: ProviderId): Finding[] {
  report.url = { input: url.input, normalized: url.normalized };
  const owner = providerOfUrl(url.input ?? undefined);
  if (owner && owner !== provider) {
    // Never show a URL nobody typed: the provider's defaults applied to another provider's host.
    report.url.normalized = null;
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

interface OnlineArgs {
  request: CheckRequest;
  analysis: TokenAnalysis;
  url: UrlAnalysis;
  token: string;
  now: Date;
}

async function runOnline(report: Report, online: OnlineChecks, args: OnlineArgs, deps: PreflightDeps): Promise<Finding[]> {
  const { request, analysis, url, token, now } = args;
  // Loaded now, not at start-up: an offline check never pays for the network stack (undici).
  const { HttpClient, createTransport } = await loadNetworkStack();
  const transport = deps.dispatcher ? undefined : createTransport({ env: deps.env ?? {}, ...deps.transport });
  const dispatcher = deps.dispatcher ?? transport!;
  // The handshakes of the widest round trip overlap with the first one (only to the configured host).
  const origin = online.credentialOrigins(url)[0];
  if (transport && origin && online.preconnect) transport.preconnect(origin, online.preconnect);
  // Servers may echo the credential (error texts, names, redirects): nothing they said leaves unscrubbed.
  const scrub = secretScrubber(secretForms(request.token, request.username));
  const log = deps.log;
  const http = new HttpClient({
    dispatcher,
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
    if (!deps.dispatcher) await dispatcher.close();
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
  const findings = applyUrl(report, url, request, providerId);
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
  report.findings = sortFindings(findings);
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

  const hygiene = checkHygiene(request.token, request.tokenSource);
  findings.push(...hygiene.findings);

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
    report.url = { input: request.url.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1'), normalized: null };
  }

  const blocking = findings.some((f) => f.severity === 'error');
  // What the online check would say about required scopes, said offline when it does not run.
  if (providerId && (request.offline || blocking)) {
    const scopes = offlineScopeCheck(providerId, analysis, request.requiredScopes);
    findings.push(...scopes.findings);
    report.scopes.missing = scopes.missing;
  }
  findings.push(...(await onlineStage(report, request, { providerId, analysis, url, token: hygiene.token }, blocking, deps, now)));

  report.findings = sortFindings(findings);
  report.outcome = decideOutcome(report.findings, request.failOnWarning);
  report.timings.totalMs = Math.round((deps.monotonic() - started) * 100) / 100;
  return report;
}

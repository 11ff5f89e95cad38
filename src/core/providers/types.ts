/**
 * What a provider module offers the preflight. A provider is one folder plus one registry line.
 * Offline functions are pure: no I/O, the clock comes in through the context.
 */
import type { HttpClient } from '../http/client.js';
import type { Finding, Identity, ProviderId } from '../report.js';

export interface TokenContext {
  /** The current time (injected so tests control it). */
  now: Date;
  /** The caller said this is the pipeline's own opaque token (Azure `System.AccessToken`). */
  tokenType?: TokenTypeHint;
}

export type TokenTypeHint = 'auto' | 'system-access-token';

export interface TokenAnalysis {
  provider: ProviderId;
  /** Stable family id, `<provider>.<family>`, e.g. `azure-devops.pat`, `github.fine-grained-pat`. */
  kind: string;
  /** Human name, e.g. "Azure DevOps personal access token (84-character format)". */
  label: string;
  /** Findings about the token itself: format, checksum, expiry read from it, audience... */
  findings: Finding[];
  /** Exact expiry read from the token (JWT `exp`). */
  expiresAt?: Date;
  /** The token cannot be valid after this instant (ADO 84-char: creation month + 1 year). */
  latestExpiry?: Date;
  /** Identity-like facts from claims (never secrets): e.g. upn, oid, tid, iss, app id, seed kind. */
  facts: Record<string, string>;
}

export interface UrlContext {
  /** Skip findings that only matter when the network is used (e.g. a missing URL in offline mode). */
  offline: boolean;
}

export interface UrlAnalysis {
  /** The input, trimmed (never with credentials: userinfo is stripped before it is stored). */
  input: string | null;
  /** Canonical base URL for this provider (ADO: collection/org URL; GitHub/GitLab/Bitbucket: API base). */
  normalized: string | null;
  /** Deployment kind: `services`, `server`, `github.com`, `ghe.com`, `ghes`, `gitlab.com`, `self-managed`, `bitbucket-cloud`. */
  deployment?: string;
  /** Azure DevOps organisation or collection name. */
  organization?: string;
  /** A project (or `owner/repo`, GitLab full path) found in the URL's path and split off. */
  project?: string;
  /** A repository found in the URL's path (`_git/{repo}`). */
  repository?: string;
  findings: Finding[];
}

export interface ProviderModule {
  id: ProviderId;
  displayName: string;
  /**
   * Analyse a token already cleaned by hygiene. Return undefined when the token is not recognisably
   * one of this provider's families (auto-detection then tries the next provider).
   * With `claim: true` the user named this provider: return an analysis with a `token.format`
   * finding instead of undefined, explaining which formats were expected.
   */
  analyzeToken(token: string, ctx: TokenContext, claim: boolean): TokenAnalysis | undefined;
  /** Analyse the org / host URL (undefined = not given: apply the provider's default or `url.missing`). */
  analyzeUrl(input: string | undefined, ctx: UrlContext): UrlAnalysis;
  /** Does this well-known host belong to this provider alone? (Self-hosted servers can be anything.) */
  ownsHost(host: string): boolean;
  /** Online checks; absent for providers that are checked offline only. */
  online?: OnlineChecks;
  /** Checks that need more than the token alone (e.g. Bitbucket: which user name goes with it). */
  crossCheck?(token: TokenAnalysis, input: { username: string | undefined }): Finding[];
}

export interface OnlineInput {
  url: UrlAnalysis;
  token: TokenAnalysis;
  project: string | undefined;
  requiredScopes: readonly string[];
  username: string | undefined;
  now: Date;
}

export interface OnlineResult {
  findings: Finding[];
  identity?: Identity;
  /** The project's stored name, when it was found. */
  projectCanonical?: string;
  scopes?: { required: string[]; verified: string[]; missing: string[]; unverifiable: string[] };
  /** Expiry reported by the provider (GitHub header, GitLab `expires_at`). */
  expiresAt?: Date;
}

/** The header that carries the credential (`Authorization: Basic …`, GitLab's `JOB-TOKEN: …`). */
export interface CredentialHeader {
  name: string;
  value: string;
}

export interface OnlineChecks {
  /** The header that carries this token (the HTTP client is the only place that sends it). */
  credential(token: string, analysis: TokenAnalysis, username: string | undefined): CredentialHeader;
  /**
   * The credential as Git and container-registry clients send it (GitLab: Basic `oauth2:token`), for
   * read-only Git-over-HTTP and registry token requests; same origins. The adapters mask this form too
   * (src/core/secrets.ts derives every Basic form of the token).
   */
  gitCredential?(token: string, analysis: TokenAnalysis): CredentialHeader | undefined;
  /** Origins that may receive the credential for this URL (the configured host and its own siblings). */
  credentialOrigins(url: UrlAnalysis): string[];
  /**
   * Connections to open to the configured host (the first credential origin) as the online stage
   * starts, before any request: the check's widest round trip, so its handshakes overlap with the
   * first request's. None when absent.
   */
  preconnect?: number;
  check(http: HttpClient, input: OnlineInput): Promise<OnlineResult>;
}

/**
 * GitLab tokens (https://docs.gitlab.com/security/tokens/): legacy PATs (no checksum), routable tokens v0/v1 (CRC-32 of
 * everything before the last 7 characters, base36), CI job tokens (JWT since GitLab 18.0), and the
 * other prefixes, several of which cannot call the REST API at all.
 */
import { BASE36, encodeInt } from '../../checksum/base-n.js';
import { crc32Ascii } from '../../checksum/crc32.js';
import { claimDate, claimString, decodeJwt } from '../../jwt.js';
import { finding, type Finding } from '../../report.js';
import type { TokenAnalysis, TokenContext } from '../types.js';

const RECOPY = 'Copy the token again from GitLab (the whole value), or create a new one.';
const SKEW_MS = 5 * 60_000;

/** The routable checksum: CRC-32 of the text before the last 7 characters, base36, 7 wide. */
export function gitlabRoutableCrc(head: string): string {
  return encodeInt(crc32Ascii(head), BASE36, 7);
}

/** `<prefix><B>.[01.]<LL><CRC7>`: LL (base36) says how many characters before the dot are B. */
const ROUTABLE = /^([^.]+)\.(01\.)?([0-9a-z]{2})([0-9a-z]{7})$/;

function splitRoutable(token: string): { prefix: string; b64: string; v1: boolean; crc: string } | undefined {
  const m = ROUTABLE.exec(token);
  if (!m) return undefined;
  const head = m[1]!;
  const length = parseInt(m[3]!, 36);
  if (!(length > 0 && length <= head.length) || !/^[A-Za-z0-9_-]+$/.test(head.slice(-length))) return undefined;
  return { prefix: head.slice(0, -length), b64: head.slice(-length), v1: m[2] !== undefined, crc: m[4]! };
}

interface OtherPrefix {
  prefix: string;
  kind: string;
  label: string;
  /** Body length when documented (characters after the prefix). */
  body?: number;
  /** Characters of the body when not the URL-safe base64 set (trigger tokens: hex). */
  charset?: RegExp;
  /** What it is for, when it cannot authenticate REST API calls like a PAT. */
  notForApi?: string;
}

const OTHERS: OtherPrefix[] = [
  {
    prefix: 'gldt-',
    kind: 'gitlab.deploy-token',
    label: 'GitLab deploy token',
    body: 20,
    notForApi: 'it authenticates git and registry operations only, not REST API calls',
  },
  {
    prefix: 'glrtr-',
    kind: 'gitlab.runner-token',
    label: 'GitLab runner authentication token',
    notForApi: 'it registers and runs a runner; it cannot call the REST API',
  },
  {
    prefix: 'glrt-',
    kind: 'gitlab.runner-token',
    label: 'GitLab runner authentication token',
    notForApi: 'it registers and runs a runner; it cannot call the REST API',
  },
  {
    prefix: 'glptt-',
    kind: 'gitlab.trigger-token',
    label: 'GitLab pipeline trigger token',
    body: 40,
    charset: /^[0-9a-f]*$/,
    notForApi: 'it only triggers pipelines',
  },
  { prefix: 'glft-', kind: 'gitlab.feed-token', label: 'GitLab feed token', body: 20, notForApi: 'it only reads RSS/calendar feeds' },
  {
    prefix: 'glimt-',
    kind: 'gitlab.incoming-mail-token',
    label: 'GitLab incoming mail token',
    body: 25,
    notForApi: 'it only creates issues by e-mail',
  },
  {
    prefix: 'glagent-',
    kind: 'gitlab.agent-token',
    label: 'GitLab Kubernetes agent token',
    body: 50,
    notForApi: 'it authenticates the Kubernetes agent only',
  },
  {
    prefix: 'glsoat-',
    kind: 'gitlab.scim-token',
    label: 'GitLab SCIM token',
    body: 20,
    notForApi: 'it only provisions users through SCIM',
  },
  {
    prefix: 'glffct-',
    kind: 'gitlab.feature-flag-token',
    label: 'GitLab feature flag client token',
    body: 20,
    notForApi: 'it only reads feature flags',
  },
  {
    prefix: 'gloas-',
    kind: 'gitlab.oauth-secret',
    label: 'GitLab OAuth application secret',
    body: 64,
    notForApi: 'it is an application secret, not an access token',
  },
  { prefix: 'glwt-', kind: 'gitlab.workspace-token', label: 'GitLab workspace token' },
];

const result = (kind: string, label: string, findings: Finding[], facts: Record<string, string> = {}, expiresAt?: Date): TokenAnalysis => ({
  provider: 'gitlab',
  kind,
  label,
  findings,
  facts,
  ...(expiresAt ? { expiresAt } : {}),
});

/** Prefixes GitLab itself issues routable tokens with (an instance may add `<instance>-` before them). */
const KNOWN_ROUTABLE_PREFIXES = ['glpat-', ...OTHERS.map((o) => o.prefix)];

const ROUTING_KEYS: Record<string, string> = { c: 'cell', g: 'group', o: 'organization', p: 'project', t: 'type', u: 'user' };

/** Decode a routable token's payload into facts (o, u, c as decimal); never throws. */
function routableFacts(b64: string, v1: boolean): Record<string, string> {
  try {
    const bytes = Buffer.from(b64, 'base64url');
    const payload = v1 ? bytes.subarray(16, bytes.length - 1) : bytes.subarray(0, bytes.length - 17);
    const facts: Record<string, string> = { format: v1 ? 'routable v1' : 'routable v0' };
    for (const line of payload.toString('utf8').split('\n')) {
      const m = /^([cgoptu]):([0-9a-z]+)$/.exec(line);
      const name = m && ROUTING_KEYS[m[1]!];
      if (name) facts[name] = String(parseInt(m[2]!, 36));
    }
    return facts;
  } catch {
    return {};
  }
}

function analyzeJobToken(body: string, ctx: TokenContext): TokenAnalysis {
  const label = 'GitLab CI job token';
  const note = finding(
    'token.info',
    'info',
    'A CI job token reaches only a subset of the API (its own project and projects that allow it) and lives as long as the job.',
    'Use a project or personal access token for anything else.',
  );
  const jwt = decodeJwt(body);
  if (jwt) {
    const findings: Finding[] = [note];
    const aud = jwt.payload.aud;
    const auds = Array.isArray(aud) ? aud : [aud];
    if (!auds.includes('gitlab-authz-token'))
      findings.push(
        finding(
          'token.audience',
          'error',
          'The job token\'s audience is not GitLab\'s ("gitlab-authz-token"), which GitLab requires of job tokens, so it will reject this one.',
          'Pass the CI_JOB_TOKEN of the running job unchanged; GitLab issues it with the audience gitlab-authz-token.',
        ),
      );
    const exp = claimDate(jwt.payload, 'exp');
    const nbf = claimDate(jwt.payload, 'nbf');
    if (exp && exp.getTime() <= ctx.now.getTime() - SKEW_MS)
      findings.push(
        finding(
          'token.expired',
          'error',
          `The job token expired at ${exp.toISOString()}: its job has ended.`,
          'Use the CI_JOB_TOKEN of the running job; job tokens cannot be reused later.',
        ),
      );
    if (nbf && nbf.getTime() > ctx.now.getTime() + SKEW_MS)
      findings.push(
        finding(
          'token.not-yet-valid',
          'warning',
          'The job token is not valid yet (nbf in the future).',
          'Check the clocks of the runner and the GitLab server.',
        ),
      );
    const iss = claimString(jwt.payload, 'iss');
    return result('gitlab.job-token', label, findings, iss ? { issuer: iss } : {}, exp);
  }
  if (/^[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20}$/.test(body)) return result('gitlab.job-token', label, [note]);
  return result('gitlab.job-token', label, [
    finding('token.format', 'error', 'The CI job token is neither a JWT nor the legacy job-token shape.', 'Pass $CI_JOB_TOKEN unchanged.'),
  ]);
}

/** A token that cannot call the REST API like a personal access token. */
const wrongKind = (o: OtherPrefix): Finding =>
  finding(
    'token.wrong-kind',
    'warning',
    `This is a ${o.label}: ${o.notForApi}.`,
    'Use a personal, project or group access token with the scopes the later steps need.',
  );

/** Routable tokens: the CRC covers the literal prefix, so it proves the token even with a custom prefix. */
function analyzeRoutable(token: string, { prefix, b64, v1, crc }: NonNullable<ReturnType<typeof splitRoutable>>): TokenAnalysis {
  const other = OTHERS.find((o) => token.startsWith(o.prefix));
  const kind = other?.kind ?? 'gitlab.pat';
  const label = other?.label ?? 'GitLab personal, project or group access token (routable format)';
  const findings: Finding[] = [];
  if (gitlabRoutableCrc(token.slice(0, -7)) !== crc) {
    findings.push(
      finding(
        'token.checksum',
        'error',
        "The routable GitLab token's embedded CRC-32 does not match: the token was mistyped, truncated or altered.",
        RECOPY,
      ),
    );
    return result(kind, label, findings);
  }
  if (!other && !KNOWN_ROUTABLE_PREFIXES.some((p) => prefix.startsWith(p))) {
    // Self-managed instances may set their own prefix; the CRC covers it, so the token is intact,
    // but GitLab.com never issues it: a warning, as the prefix may also be another product's.
    findings.push(
      finding(
        'token.format',
        'warning',
        "The token's prefix is not one GitLab issues by default (glpat-); its routable checksum matches, so it is intact if your self-managed instance sets a custom prefix.",
        'None needed on an instance with a custom token prefix; otherwise copy the token again from GitLab.',
      ),
    );
  }
  if (other?.notForApi) findings.push(wrongKind(other));
  return result(kind, label, findings, routableFacts(b64, v1));
}

/** `glpat-` and 20 characters: no checksum. */
function analyzeLegacyPat(token: string): TokenAnalysis {
  const body = token.slice(6);
  const label = 'GitLab personal, project or group access token';
  if (!/^[A-Za-z0-9_-]{20}$/.test(body)) {
    return result('gitlab.pat', label, [
      finding(
        'token.format',
        'error',
        `A legacy GitLab access token has 20 characters after its prefix (letters, digits, - and _); this one has ${body.length}${/[^A-Za-z0-9_-]/.test(body) ? ' and other characters' : ''}.`,
        RECOPY,
      ),
    ]);
  }
  const findings = [
    finding('token.unverifiable', 'info', 'Legacy GitLab access tokens carry no checksum; it is checked online.', 'Nothing to do offline.'),
  ];
  if (/[lIO0]/.test(body))
    findings.push(
      finding(
        'token.format',
        'warning',
        'GitLab never puts the characters l, I, O or 0 in legacy tokens; this one has some, so it was probably mistyped.',
        RECOPY,
      ),
    );
  return result('gitlab.pat', label, findings);
}

const RUNNER_REGISTRATION: OtherPrefix = {
  prefix: 'GR1348941',
  kind: 'gitlab.runner-registration-token',
  label: 'GitLab runner registration token (deprecated)',
  body: 20,
  notForApi: 'it only registers runners, and is deprecated',
};

/** The other prefixes: deploy, runner, trigger, feed… tokens. */
function analyzeOtherPrefix(token: string, o: OtherPrefix): TokenAnalysis {
  const findings: Finding[] = [];
  const body = token.slice(o.prefix.length);
  if (o.body !== undefined && body.length !== o.body)
    findings.push(
      finding('token.format', 'error', `A ${o.label} has ${o.body} characters after its prefix; this one has ${body.length}.`, RECOPY),
    );
  else if (!(o.charset ?? /^[A-Za-z0-9_-]*$/).test(body))
    findings.push(
      finding(
        'token.format',
        'error',
        `A ${o.label} has only ${o.charset ? 'lower-case hex digits' : 'letters, digits, - and _'} after its prefix; this one has other characters.`,
        RECOPY,
      ),
    );
  if (o.notForApi) findings.push(wrongKind(o));
  return result(o.kind, o.label, findings);
}

export function analyzeGitLabToken(token: string, ctx: TokenContext, claim: boolean): TokenAnalysis | undefined {
  if (token.startsWith('glcbt-')) return analyzeJobToken(token.slice(6), ctx);
  const routable = splitRoutable(token);
  if (routable && (token.startsWith('gl') || claim || gitlabRoutableCrc(token.slice(0, -7)) === routable.crc)) {
    return analyzeRoutable(token, routable);
  }
  if (token.startsWith('glpat-')) return analyzeLegacyPat(token);
  const other = OTHERS.find((o) => token.startsWith(o.prefix)) ?? (token.startsWith('GR1348941') ? RUNNER_REGISTRATION : undefined);
  if (other) return analyzeOtherPrefix(token, other);

  if (!claim) return undefined;
  return result('gitlab.unknown', 'unrecognised GitLab token', [
    finding(
      'token.format',
      'error',
      'The token matches no GitLab format: access tokens start with glpat- (or an instance prefix) and carry 20 characters or a routable body; job tokens start with glcbt-.',
      `${RECOPY} Check that the right secret is wired to this step.`,
    ),
  ]);
}

/**
 * Scenario arbitraries shared by the core leak property and the bundle runs: which server behaviour
 * (hostile echo, each scripted harness fault, unreachable, TLS failure) and which request (provider
 * as given or auto, URL shape, project, scopes) goes with a token.
 */
import fc from 'fast-check';
import { createServer } from 'node:net';
import { PROVIDER_MODULES } from '../../src/core/providers/registry.js';
import { PROVIDERS, type ProviderId } from '../../src/core/report.js';
import type { HostileBehaviour } from '../emulators/hostile.js';
import type { FaultSpec } from '../emulators/harness.js';
import type { CertificateKind } from '../emulators/tls.js';

/** Providers with online checks right now (others' work joins automatically once registered). */
export const ONLINE_PROVIDERS: readonly ProviderId[] = PROVIDERS.filter((id) => PROVIDER_MODULES[id].online);

export type ServerBehaviour =
  | { kind: 'hostile'; behaviour: HostileBehaviour }
  /** A scripted harness fault on the first request only (then the hostile echo) or on every request. */
  | { kind: 'fault'; fault: FaultSpec; times: number }
  | { kind: 'unreachable' }
  | { kind: 'tls'; certificate: Exclude<CertificateKind, 'valid'> };

const redirectStatus = fc.constantFrom<301 | 302 | 303 | 307 | 308>(301, 302, 303, 307, 308);

export const hostileBehaviour: fc.Arbitrary<HostileBehaviour> = fc.oneof(
  fc.constant<HostileBehaviour>({ kind: 'echo-ok' }),
  fc
    .constantFrom(400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503)
    .map((status): HostileBehaviour => ({ kind: 'echo-error', status })),
  fc.constantFrom(200, 203, 401, 403).map((status): HostileBehaviour => ({ kind: 'echo-html', status })),
  fc.constantFrom(200, 401, 500).map((status): HostileBehaviour => ({ kind: 'echo-text', status })),
  fc.constant<HostileBehaviour>({ kind: 'echo-headers' }),
  redirectStatus.map((status): HostileBehaviour => ({ kind: 'redirect-away', status })),
  redirectStatus.map((status): HostileBehaviour => ({ kind: 'redirect-same-origin', status })),
);

/** Every scripted fault of the harness (latency and waits kept tiny: the suite has a time budget). */
export function harnessFault(sinkOrigin: string): fc.Arbitrary<FaultSpec> {
  return fc.oneof(
    fc.constantFrom(0, 3600).map((retryAfterSeconds): FaultSpec => ({ type: 'rateLimit', retryAfterSeconds })),
    fc.constantFrom(401, 403, 404, 500, 503).map((status): FaultSpec => ({ type: 'status', status })),
    fc.constant<FaultSpec>({ type: 'htmlPortal' }),
    fc.constant<FaultSpec>({ type: 'truncatedJson' }),
    fc.constantFrom<'start' | 'headers' | 'body'>('start', 'headers', 'body').map((at): FaultSpec => ({ type: 'drop', at })),
    fc.constant<FaultSpec>({ type: 'hang' }),
    fc.constant<FaultSpec>({ type: 'latency', ms: 5 }),
    redirectStatus.map((status): FaultSpec => ({ type: 'redirect', status, location: `${sinkOrigin}/elsewhere` })),
    fc.constant<FaultSpec>({ type: 'headers', headers: { 'x-ratelimit-delay': '0.01', 'x-ratelimit-remaining': '1' } }),
  );
}

export function serverBehaviour(sinkOrigin: string): fc.Arbitrary<ServerBehaviour> {
  return fc.oneof(
    { weight: 5, arbitrary: hostileBehaviour.map((behaviour): ServerBehaviour => ({ kind: 'hostile', behaviour })) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(harnessFault(sinkOrigin), fc.constantFrom(1, Infinity))
        .map(([fault, times]): ServerBehaviour => ({ kind: 'fault', fault, times })),
    },
    { weight: 1, arbitrary: fc.constant<ServerBehaviour>({ kind: 'unreachable' }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Exclude<CertificateKind, 'valid'>>('unknownCa', 'expired', 'wrongHost')
        .map((certificate): ServerBehaviour => ({ kind: 'tls', certificate })),
    },
  );
}

export interface RequestShape {
  provider: 'auto' | 'own';
  /** URL template: `{origin}` is the target server's loopback origin, `{token}` the token. */
  url: string | undefined;
  project: string | undefined;
  scopes: string[];
}

const URLS: Record<ProviderId, readonly (string | undefined)[]> = {
  'azure-devops': [
    'https://dev.azure.com/fabrikam',
    'https://fabrikam.visualstudio.com',
    '{origin}/DefaultCollection',
    '{origin}/tfs/fabrikam/Fabrikam-Fiber/_git/repo',
    'https://fake-user:{token}@dev.azure.com/fabrikam',
  ],
  github: [
    undefined,
    'https://api.github.com',
    'https://github.com/octo-org/octo-repo',
    '{origin}/api/v3',
    'https://x-access-token:{token}@api.github.com',
  ],
  gitlab: [undefined, 'https://gitlab.com', '{origin}', 'https://gitlab.com/group/sub/project', 'https://oauth2:{token}@gitlab.com'],
  bitbucket: [undefined, 'https://api.bitbucket.org/2.0', 'https://bitbucket.org/workspace/repo'],
};
const PROJECTS: Record<ProviderId, readonly (string | undefined)[]> = {
  'azure-devops': [undefined, 'Fabrikam-Fiber', 'fabrikam-fiber'],
  github: [undefined, 'octo-org/octo-repo'],
  gitlab: [undefined, 'group/project'],
  bitbucket: [undefined, 'workspace/repo'],
};
const SCOPES: Record<ProviderId, readonly string[]> = {
  'azure-devops': [
    'vso.code',
    'vso.build',
    'Code: Read & Write',
    'vso.work_write',
    'vso.packaging',
    'vso.release',
    'vso.graph',
    'vso.nonsense',
  ],
  github: ['repo', 'read:org', 'contents:read', 'contents:write', 'workflow', 'not-a-scope'],
  gitlab: ['api', 'read_api', 'read_repository', 'read_registry', 'write_repository', 'nonsense'],
  bitbucket: ['repository', 'repository:write', 'pullrequest', 'nonsense'],
};

export function requestShape(provider: ProviderId): fc.Arbitrary<RequestShape> {
  return fc.record({
    provider: fc.constantFrom<'auto' | 'own'>('auto', 'own'),
    url: fc.constantFrom(...URLS[provider]),
    project: fc.constantFrom(...PROJECTS[provider]),
    scopes: fc.subarray([...SCOPES[provider]], { maxLength: 3 }),
  });
}

/** A loopback port nothing listens on (bound, then released): the "unreachable" server. */
export async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

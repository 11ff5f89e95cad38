/**
 * GitLab's Git-over-HTTP and registry token answers, read without a network: only GitLab's refusals
 * for lack of scope are scope.missing; every other answer proves nothing either way.
 */
import { describe, expect, it } from '@jest/globals';
import type { HttpOutcome } from '../../src/core/http/client.js';
import { gitProbeUrl, gitProbeVerdict } from '../../src/core/providers/gitlab/git-probes.js';

const target = { api: 'https://gitlab.example.test/api/v4', web: 'https://gitlab.example.test', gitlabCom: false };
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const registryToken = (access: unknown): string => `${b64({ alg: 'RS256' })}.${b64({ access })}.RkFLRQ`;

function answer(status: number, body: string | object): HttpOutcome {
  const json = typeof body === 'object';
  return {
    kind: 'response',
    status,
    headers: { 'content-type': json ? 'application/json' : 'text/plain' },
    body: json ? JSON.stringify(body) : body,
    json: json ? body : undefined,
    isJson: json,
    url: 'https://gitlab.example.test/x',
  };
}

describe('GitLab Git and registry probes', () => {
  it('builds the Git and registry URLs from the project path (the registry path lower case), none from a numeric id', () => {
    expect(gitProbeUrl('repository', target, 'Fabrikam/My Fiber')).toBe(
      'https://gitlab.example.test/Fabrikam/My%20Fiber.git/info/refs?service=git-upload-pack',
    );
    expect(gitProbeUrl('registry', target, 'Fabrikam/Fiber')).toBe(
      'https://gitlab.example.test/jwt/auth?service=container_registry&scope=repository%3Afabrikam%2Ffiber%3Apull',
    );
    expect(gitProbeUrl('repository', target, '42')).toBeUndefined();
  });

  it.each([
    ['repository', answer(200, '000eversion 2\n0000'), 'verified'],
    ['repository', answer(403, 'You are not allowed to download code.\n'), 'missing'],
    // The user's role, not the token's scope.
    ['repository', answer(403, 'You are not allowed to download code from this project.'), 'unverifiable'],
    ['repository', answer(403, 'Pulling over HTTP is not allowed.'), 'unverifiable'],
    [
      'repository',
      answer(404, "The project you were looking for could not be found or you don't have permission to view it."),
      'unverifiable',
    ],
    ['repository', answer(401, 'HTTP Basic: Access denied'), 'unverifiable'],
    ['registry', answer(200, { token: registryToken([{ type: 'repository', name: 'a/b', actions: ['pull'] }]) }), 'verified'],
    ['registry', answer(200, { token: registryToken([]) }), 'unverifiable'],
    ['registry', answer(200, { token: 'not-a-jwt' }), 'unverifiable'],
    ['registry', answer(403, { errors: [{ code: 'DENIED', message: 'access forbidden' }] }), 'missing'],
    ['registry', answer(403, { message: 'Forbidden' }), 'unverifiable'],
    ['registry', answer(404, { errors: [{ code: 'UNAVAILABLE', message: 'registry not enabled' }] }), 'unverifiable'],
    [
      'registry',
      { kind: 'network', code: 'network.timeout', detail: 'deadline', url: 'https://gitlab.example.test/jwt/auth' },
      'unverifiable',
    ],
  ] as const)('%s probe, answer %#: %s', (probe, r, kind) => {
    expect(gitProbeVerdict(probe, r as HttpOutcome).kind).toBe(kind);
  });
});

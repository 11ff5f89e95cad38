/**
 * The copied third-party fixtures are what their README says they are (byte-for-byte upstream blobs,
 * licence files beside them), and the emulator's embedded Azure DevOps bodies are those examples.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as shapes from '../emulators/azure-devops-shapes.js';
import { ROOT } from '../support/run-bundle.js';

const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
const readme = fs.readFileSync(path.join(FIXTURES, 'README.md'), 'utf8');
/** `git hash-object --no-filters`: sha1 over "blob <size>\0" and the bytes. */
const gitBlob = (file: string): string => {
  const bytes = fs.readFileSync(file);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

describe('__tests__/fixtures', () => {
  const rows = [...readme.matchAll(/^\| `([^`]+\.json)` .*\| `([0-9a-f]{8})` \|/gm)].map((m) => ({ file: m[1]!, blob: m[2]! }));
  const dirOf = (file: string) => ['schemas', 'azure-devops'].find((d) => fs.existsSync(path.join(FIXTURES, d, file)));

  it('every copied file is the upstream blob the README names', () => {
    expect(rows.map((r) => r.file).sort()).toEqual(
      ['schemas', 'azure-devops'].flatMap((d) => fs.readdirSync(path.join(FIXTURES, d)).filter((f) => f.endsWith('.json'))).sort(),
    );
    for (const { file, blob } of rows) expect([file, gitBlob(path.join(FIXTURES, dirOf(file)!, file)).slice(0, 8)]).toEqual([file, blob]);
  });

  it('keeps the licence and notice files beside the copies', () => {
    for (const f of [
      'schemas/LICENSE-schemastore-Apache-2.0.txt',
      'schemas/NOTICE-schemastore.txt',
      'schemas/LICENSE-azure-pipelines-task-lib-MIT.txt',
      'azure-devops/LICENSE-vsts-rest-api-specs-MIT.txt',
    ])
      expect([f, fs.existsSync(path.join(FIXTURES, f))]).toEqual([f, true]);
    expect(fs.readFileSync(path.join(FIXTURES, 'schemas/LICENSE-schemastore-Apache-2.0.txt'), 'utf8')).toContain('Apache License');
    expect(fs.readFileSync(path.join(FIXTURES, 'azure-devops/LICENSE-vsts-rest-api-specs-MIT.txt'), 'utf8')).toContain(
      'Copyright (c) 2018 Microsoft Docs',
    );
  });
});

describe('the emulator’s Azure DevOps bodies (azure-devops-shapes.ts) are Microsoft’s examples', () => {
  const body = (file: string): Record<string, unknown> =>
    (
      JSON.parse(fs.readFileSync(path.join(FIXTURES, 'azure-devops', file), 'utf8')) as {
        responses: { '200': { body: Record<string, unknown> } };
      }
    ).responses['200'].body;

  it.each([
    ['PROJECT', 'GET__projects__projectName_.json'],
    ['PROJECT_LIST', 'GET__projects.json'],
    ['PROJECT_LIST_ONPREM', 'GET__projects-onprem.json'],
    ['GIT_REPOSITORIES', 'GET__git_repositories.json'],
    ['RELEASE_DEFINITIONS', 'GET__ListAllReleaseDefinitions.json'],
    ['PROFILE_ME', 'GET__profile_profiles_me.json'],
  ] as const)('%s is the body of %s', (name, file) => {
    expect(shapes[name]).toEqual(body(file));
  });

  it('WORK_ITEM_TYPES is Bug and Task of GET__wit_workItemTypes.json without xmlForm, fields, fieldInstances, transitions', () => {
    const all = body('GET__wit_workItemTypes.json').value as Record<string, unknown>[];
    const trimmed = ['Bug', 'Task'].map((n) => {
      const { xmlForm: _x, fields: _f, fieldInstances: _i, transitions: _t, ...rest } = all.find((t) => t.name === n)!;
      return rest;
    });
    expect(shapes.WORK_ITEM_TYPES).toEqual({ count: 2, value: trimmed });
  });

  it('GRAPH_USERS is the first aad user of GetAllUsers.json', () => {
    const users = body('GetAllUsers.json').value as Record<string, unknown>[];
    expect(shapes.GRAPH_USERS).toEqual({ count: 1, value: [users.find((u) => u.origin === 'aad')] });
  });
});

import { describe, expect, it } from '@jest/globals';
import { secretForms } from '../../src/core/secrets.js';
import { crashReporter } from '../../src/task/crash.js';
import { azureDevOpsPat, leaks } from '../support/tokens.js';

describe('task crash reporter', () => {
  it('fails the task with the error, redacting every form of the token the message quotes', () => {
    const token = azureDevOpsPat(new Date('2026-12-01T00:00:00Z'));
    const results: Array<[number, string | undefined]> = [];
    const tl = { TaskResult: { Failed: 2 }, setResult: (r: number, m?: string) => void results.push([r, m]) };
    const basic = Buffer.from(`:${token}`).toString('base64');
    crashReporter(tl as never, secretForms(token))(new Error(`boom near ${token} and ${basic}`));
    expect(results).toHaveLength(1);
    const [result, message] = results[0]!;
    expect(result).toBe(2);
    expect(message).toMatch(/^credential-preflight crashed: boom near /);
    expect(message).not.toContain(token);
    expect(message).not.toContain(basic);
    expect(leaks(message!, token)).toEqual([]);
  });

  it('reports a thrown non-Error too', () => {
    const results: string[] = [];
    const tl = { TaskResult: { Failed: 2 }, setResult: (_r: number, m?: string) => void results.push(m ?? '') };
    crashReporter(tl as never, [])('plain text');
    expect(results[0]).toContain('crashed: plain text.');
  });
});

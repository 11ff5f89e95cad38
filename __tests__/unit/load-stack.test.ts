/**
 * Loading the network stack (src/core/http/load.ts): after a first wave it is compiled in full while
 * the answers are awaited (V8's lazy compilation off for that import, on again afterwards), and the
 * transport's module compiles undici's HTTP parser then too (V8 keeps one compiled module per
 * identical bytes, so undici's own compile on its first connection finds it done).
 */
import { describe, expect, it } from '@jest/globals';
import { compileEagerly } from '../../src/core/http/load.js';

describe('compileEagerly', () => {
  it('turns lazy compilation off for the load and on again after it', async () => {
    const calls: string[] = [];
    const value = await compileEagerly(
      async () => {
        calls.push('load');
        return 42;
      },
      (flag) => calls.push(flag),
    );
    expect(value).toBe(42);
    expect(calls).toEqual(['--no-lazy', 'load', '--lazy']);
  });

  it('turns it on again when the load fails', async () => {
    const calls: string[] = [];
    await expect(
      compileEagerly(
        async () => {
          calls.push('load');
          throw new Error('no such chunk');
        },
        (flag) => calls.push(flag),
      ),
    ).rejects.toThrow('no such chunk');
    expect(calls).toEqual(['--no-lazy', 'load', '--lazy']);
  });
});

describe("the transport's parser", () => {
  it("is undici's llhttp (the SIMD build undici compiles first), compiled when the transport loads", async () => {
    const { compiledParser } = await import('../../src/core/http/transport.js');
    // (This project's TypeScript lib settings do not declare the WebAssembly global.)
    const wasm = (globalThis as unknown as { WebAssembly: { Module: { exports(m: object): Array<{ name: string }> } } }).WebAssembly;
    const exports = wasm.Module.exports(compiledParser).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(['llhttp_execute', 'llhttp_alloc']));
  });
});

/**
 * The first wave's pure rules (src/core/http/first-wave.ts, errors.ts): which origins it may reach
 * (only those the transport reaches directly), and Node's errors read as undici's equivalents.
 */
import { describe, expect, it } from '@jest/globals';
import { classifyNetworkError, FIRST_WAVE_BODY_TIMEOUT, FIRST_WAVE_HEADERS_TIMEOUT, undiciCode } from '../../src/core/http/errors.js';
import { reachedDirectly } from '../../src/core/http/first-wave.js';

const error = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('the first wave goes only where no proxy applies', () => {
  const direct = (url: string, env: Record<string, string> = {}, proxy?: { url: string }): boolean =>
    reachedDirectly(new URL(url), { env, ...(proxy ? { proxy } : {}) });

  it('reaches an https origin directly when no proxy of any kind is configured', () => {
    expect(direct('https://dev.azure.com/fabrikam')).toBe(true);
    expect(direct('https://dev.azure.com/fabrikam', { NO_PROXY: '*' })).toBe(true);
  });

  it('sends nothing in the first wave to a non-loopback origin once any proxy is configured, NO_PROXY or not', () => {
    for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
      expect(direct('https://dev.azure.com/fabrikam', { [name]: 'http://proxy.example:8080' })).toBe(false);
      expect(direct('https://dev.azure.com/fabrikam', { [name]: 'http://proxy.example:8080', NO_PROXY: 'dev.azure.com' })).toBe(false);
    }
    expect(direct('https://dev.azure.com/fabrikam', {}, { url: 'http://proxy.example:8080' })).toBe(false);
  });

  it('reaches loopback directly whatever the proxies (the transport never proxies it)', () => {
    const env = { HTTPS_PROXY: 'http://proxy.example:8080', HTTP_PROXY: 'http://proxy.example:8080' };
    for (const url of ['https://127.0.0.1:8443/x', 'http://127.0.0.1:8080/x', 'https://localhost/x', 'http://[::1]:8080/x'])
      expect(direct(url, env, { url: 'http://proxy.example:8080' })).toBe(true);
  });

  it('sends plain http only to loopback, and nothing else', () => {
    expect(direct('http://dev.azure.com/fabrikam')).toBe(false);
    expect(direct('ftp://127.0.0.1/x')).toBe(false);
  });
});

describe("Node's errors classify as undici's", () => {
  const same = (node: Error, undici: Error): void => expect(classifyNetworkError(node)).toEqual(classifyNetworkError(undici));

  it('header overflow, socket hang up and the first wave’s timeouts', () => {
    same(error('HPE_HEADER_OVERFLOW', 'Parse Error: Header overflow'), error('UND_ERR_HEADERS_OVERFLOW'));
    expect(classifyNetworkError(error('HPE_HEADER_OVERFLOW')).code).toBe('network.unexpected-response');
    same(error('ECONNRESET', 'socket hang up'), error('UND_ERR_SOCKET', 'other side closed'));
    // A connection that closed in the middle of the body: undici says "other side closed" there too.
    same(error('ECONNRESET', 'aborted'), error('UND_ERR_SOCKET', 'other side closed'));
    same(error(FIRST_WAVE_HEADERS_TIMEOUT), error('UND_ERR_HEADERS_TIMEOUT'));
    same(error(FIRST_WAVE_BODY_TIMEOUT), error('UND_ERR_BODY_TIMEOUT'));
    expect(classifyNetworkError(error(FIRST_WAVE_HEADERS_TIMEOUT))).toEqual({ code: 'network.timeout', detail: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('a malformed answer: Node’s parser codes (HPE_*) read as undici’s HTTPParserError, which has no code', () => {
    const parser = Object.assign(new Error('Parse Error: Invalid status code'), { code: 'HPE_INVALID_STATUS' });
    const undiciParser = Object.assign(new Error('Response does not match the HTTP/1.1 protocol (Invalid status code)'), {
      name: 'HTTPParserError',
    });
    expect(classifyNetworkError(parser)).toEqual({ code: 'network.unreachable', detail: 'HTTPParserError' });
    expect(classifyNetworkError(parser)).toEqual(classifyNetworkError(undiciParser));
    expect(undiciCode(parser)).toBeUndefined();
  });

  it('leaves other codes as they are (a reset without an answer stays ECONNRESET; TLS codes are the same in both)', () => {
    expect(classifyNetworkError(error('ECONNRESET', 'read ECONNRESET'))).toEqual({ code: 'network.unreachable', detail: 'ECONNRESET' });
    expect(classifyNetworkError(error('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toEqual({
      code: 'network.tls',
      detail: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });
});

/**
 * Never a URL nobody typed: for every provider × every other provider's URL shapes, set as
 * `provider` or picked by the token's own format, the URL shown (report, text, Markdown) is the
 * input or a normalisation of a URL of the provider the URL belongs to — never the believed
 * provider's API path grafted onto the other provider's host (`http://gitlab.com/api/v3`).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { runPreflight, type PreflightDeps } from '../../src/core/preflight.js';
import { providerOfUrl } from '../../src/core/providers/url-owner.js';
import { renderMarkdown } from '../../src/core/render/markdown.js';
import { renderText } from '../../src/core/render/text.js';
import { PROVIDERS, type ProviderId } from '../../src/core/report.js';
import { resolveRequest } from '../../src/core/request.js';
import { fcParams, tokenSample, URL_SHAPES } from './arbitraries.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const deps: PreflightDeps = { now: () => NOW, monotonic: () => 0 };

/** Every URL in `text` on `host`, with its scheme. */
function urlsOn(text: string, host: string): string[] {
  return [...text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s)"'`<>|*]+/gi)]
    .map((m) => m[0])
    .filter((u) => URL.canParse(u) && new URL(u).hostname === host);
}

const hostOf = (u: string): string | undefined => {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/:?#\s]+)/i.exec(u);
  return m?.[1]?.toLowerCase();
};

describe.each(PROVIDERS)('a %s token or provider with another provider’s URL', (believed: ProviderId) => {
  const others = PROVIDERS.filter((p) => p !== believed);
  it('shows the input or a URL of the URL’s own provider, never a made-up one', async () => {
    const sample = tokenSample(NOW).filter((s) => s.provider === believed);
    const url = fc.constantFrom(...others).chain((owner) => URL_SHAPES[owner].map((u) => ({ owner, u })));
    await fc.assert(
      fc.asyncProperty(sample, url, fc.constantFrom('set', 'auto'), async (s, { owner, u }, how) => {
        expect(providerOfUrl(u)).toBe(owner); // the shape is recognisably the other provider's
        const { request } = resolveRequest(
          {
            provider: how === 'set' ? believed : 'auto',
            token: s.token,
            tokenType: s.tokenType,
            url: u,
            username: s.username,
            offline: 'true',
          },
          {},
        );
        const report = await runPreflight(request, deps);
        if (report.provider !== believed) return; // the token was not recognised: the URL picked the provider
        const shown = report.url.normalized ?? report.url.input;
        expect(shown === u || (shown !== null && providerOfUrl(shown) === owner)).toBe(true);
        expect(report.findings.map((f) => f.code)).toContain('url.provider-mismatch');
        const host = hostOf(u)!;
        const text = renderText(report, { color: false }) + renderMarkdown(report) + JSON.stringify(report);
        for (const seen of urlsOn(text, host)) expect([seen, providerOfUrl(seen)]).toEqual([seen, owner]);
      }),
      fcParams(`foreign URL for ${believed}`, 120),
    );
  });
});

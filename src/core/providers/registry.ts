/** Provider id → module, and detection of a token's provider from the token alone. */
import type { ProviderId } from '../report.js';
import { azureDevOps } from './azure-devops/index.js';
import { bitbucket } from './bitbucket/index.js';
import { github } from './github/index.js';
import { gitlab } from './gitlab/index.js';
import type { ProviderModule, TokenAnalysis, TokenContext } from './types.js';

export const PROVIDER_MODULES: Readonly<Record<ProviderId, ProviderModule>> = {
  'azure-devops': azureDevOps,
  github,
  gitlab,
  bitbucket,
};

/** Order matters only for shapes two families could share; prefixed families are unambiguous. */
const DETECTION_ORDER: readonly ProviderModule[] = [github, gitlab, bitbucket, azureDevOps];

/** The first provider that recognises the token, with its analysis; undefined when none does. */
export function detectProvider(token: string, ctx: TokenContext, except?: ProviderId): TokenAnalysis | undefined {
  for (const module of DETECTION_ORDER) {
    if (module.id === except) continue;
    const analysis = module.analyzeToken(token, ctx, false);
    if (analysis) return analysis;
  }
  return undefined;
}

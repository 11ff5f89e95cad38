import type { ProviderModule } from '../types.js';
import { githubOnline } from './online.js';
import { analyzeGitHubToken } from './tokens.js';
import { analyzeGitHubUrl, isGitHubCloudHost } from './url.js';

export const github: ProviderModule = {
  id: 'github',
  displayName: 'GitHub',
  analyzeToken: analyzeGitHubToken,
  analyzeUrl: analyzeGitHubUrl,
  ownsHost: isGitHubCloudHost,
  online: githubOnline,
};

import type { ProviderModule } from '../types.js';
import { gitlabOnline } from './online.js';
import { analyzeGitLabToken } from './tokens.js';
import { analyzeGitLabUrl, isGitLabComHost } from './url.js';

export const gitlab: ProviderModule = {
  id: 'gitlab',
  displayName: 'GitLab',
  analyzeToken: analyzeGitLabToken,
  analyzeUrl: analyzeGitLabUrl,
  ownsHost: isGitLabComHost,
  online: gitlabOnline,
};

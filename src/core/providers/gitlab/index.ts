import type { ProviderModule } from '../types.js';
import { gitlabOnline } from './online.js';
import { analyzeGitLabToken } from './tokens.js';
import { analyzeGitLabUrl } from './url.js';

export const gitlab: ProviderModule = {
  id: 'gitlab',
  displayName: 'GitLab',
  analyzeToken: analyzeGitLabToken,
  analyzeUrl: analyzeGitLabUrl,
  online: gitlabOnline,
};

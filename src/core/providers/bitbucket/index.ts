import type { ProviderModule } from '../types.js';
import { analyzeBitbucketToken, checkBitbucketUsername } from './tokens.js';
import { analyzeBitbucketUrl } from './url.js';

export const bitbucket: ProviderModule = {
  id: 'bitbucket',
  displayName: 'Bitbucket Cloud',
  analyzeToken: analyzeBitbucketToken,
  analyzeUrl: analyzeBitbucketUrl,
  crossCheck: (token, { username }) => checkBitbucketUsername(token.kind, username),
};

import type { ProviderModule } from '../types.js';
import { analyzeBitbucketToken, checkBitbucketUsername } from './tokens.js';
import { analyzeBitbucketUrl, isBitbucketHost } from './url.js';
import { bitbucketOnline } from './online.js';

export const bitbucket: ProviderModule = {
  id: 'bitbucket',
  displayName: 'Bitbucket Cloud',
  analyzeToken: analyzeBitbucketToken,
  analyzeUrl: analyzeBitbucketUrl,
  ownsHost: isBitbucketHost,
  online: bitbucketOnline,
  crossCheck: (token, { username }) => checkBitbucketUsername(token.kind, username),
};

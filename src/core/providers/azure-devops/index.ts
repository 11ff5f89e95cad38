import type { ProviderModule } from '../types.js';
import { analyzeAzureDevOpsToken } from './tokens.js';
import { analyzeAzureDevOpsUrl, isAzureDevOpsServicesHost } from './url.js';
import { azureDevOpsOnline } from './online.js';

export const azureDevOps: ProviderModule = {
  id: 'azure-devops',
  displayName: 'Azure DevOps',
  analyzeToken: analyzeAzureDevOpsToken,
  analyzeUrl: analyzeAzureDevOpsUrl,
  ownsHost: isAzureDevOpsServicesHost,
  online: azureDevOpsOnline,
};

import { startAzureDevOpsEmulator } from './emulators/azure-devops.js';
import { caFile } from './emulators/tls.js';
import { baseEnv, runBundle } from './support/run-bundle.js';
import { azureDevOpsPat } from './support/tokens.js';
const GOOD = azureDevOpsPat(new Date(), 0, 'FAKEx0BUNDLEx0PATx0NOTxREAL');
const emu = await startAzureDevOpsEmulator({ mode: 'server', organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000201', name: 'Fabrikam-Fiber' }] }],
  tokens: { [GOOD]: { user: { id: '00000000-fa4e-7e57-0000-0000000000bb', displayName: 'T', uniqueName: 'F\\t' }, organizations: ['fabrikam'], scopes: 'full' } } });
emu.fault({ type: 'status', status: 503 }, { times: 2 });
const r = await runBundle('cli', ['--provider', 'azure-devops', '--url', emu.collectionUrl('fabrikam'), '--debug'], baseEnv({ NODE_EXTRA_CA_CERTS: caFile, AZURE_DEVOPS_PAT: GOOD }));
console.log(r.stdout, r.stderr);
await emu.close();

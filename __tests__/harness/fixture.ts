/**
 * The three cases both platform harnesses run, against one local Azure DevOps emulator (Server shape
 * on https://127.0.0.1:PORT/fabrikam, certificate from the test CA):
 *  - pass: a valid PAT, the exact project casing, `vso.code` proven by a read-only request;
 *  - warn: the same PAT, "Code: Read & Write" required: the write half cannot be proven → scope.unverifiable;
 *  - fail: a PAT the server answers 401 "has expired" for → token.expired.
 */
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { azureDevOpsPat } from '../support/tokens.js';

export interface HarnessFixture {
  emu: AzureDevOpsEmulator;
  url: string;
  good: string;
  expired: string;
}

export const PROJECT = 'Fabrikam-Fiber';
export const IDENTITY = 'Harness Tester';

export async function startFixture(): Promise<HarnessFixture> {
  const now = new Date();
  // Minted at test time (no valid-checksum literal in the repository); created this month / two months
  // ago, so neither is expired offline and only the server can say the second one is.
  const good = azureDevOpsPat(now, 0, 'FAKEx0HARNESSx0PATx0NOTxREAL');
  const expired = azureDevOpsPat(now, 2, 'FAKEx0OLDx0HARNESSx0NOTxREAL');
  const emu = await startAzureDevOpsEmulator({
    mode: 'server',
    organizations: [{ name: 'fabrikam', projects: [{ id: '00000000-fa4e-7e57-0000-000000000301', name: PROJECT }] }],
    tokens: {
      [good]: {
        user: { id: '00000000-fa4e-7e57-0000-0000000003aa', displayName: IDENTITY, uniqueName: 'FABRIKAM\\harness' },
        organizations: ['fabrikam'],
        scopes: ['vso.project', 'vso.code_write'],
      },
      [expired]: {
        user: { id: '00000000-fa4e-7e57-0000-0000000003bb', displayName: 'Old Tester', uniqueName: 'FABRIKAM\\old' },
        organizations: ['fabrikam'],
        scopes: 'full',
        expired: true,
      },
    },
  });
  return { emu, url: emu.collectionUrl('fabrikam'), good, expired };
}

/**
 * One credential per provider for the fault-injection tests, minted at test time, that passes the
 * offline stage so the online stage runs (faults-core.test.ts, e2e/faults.test.ts).
 */
import { mintAtlassianToken } from '../../src/core/providers/bitbucket/synthetic.js';
import { mintGitLabRoutable } from '../../src/core/providers/gitlab/synthetic.js';
import type { ProviderId } from '../../src/core/report.js';
import type { RawInputs } from '../../src/core/request.js';
import { azureDevOpsPat, fill, githubPat } from './tokens.js';

export interface FaultFixture {
  token: string;
  /** The variable the CLI reads it from. */
  tokenEnv: string;
  inputs: RawInputs;
}

export function faultFixtures(now: Date, azureDevOpsProject: string): Record<ProviderId, FaultFixture> {
  const ado = azureDevOpsPat(now, 0, 'FAKEx0FAULTx0PATx0NOTxREAL');
  const gh = githubPat('FAKEx0FAULTx0GHx0NOTxREAL');
  const gl = mintGitLabRoutable({ version: 1, random16: Buffer.from(fill('FAKETEST', 16)), payload: { o: 1, u: 1 } });
  const bb = mintAtlassianToken('api', fill('FAKEx0TESTx0FAULT', 171));
  return {
    'azure-devops': {
      token: ado,
      tokenEnv: 'AZURE_DEVOPS_PAT',
      inputs: {
        provider: 'azure-devops',
        token: ado,
        url: 'https://dev.azure.com/fabrikam',
        project: azureDevOpsProject,
        requiredScopes: 'vso.code, vso.build',
      },
    },
    github: {
      token: gh,
      tokenEnv: 'GITHUB_TOKEN',
      inputs: { provider: 'github', token: gh, url: 'https://api.github.com', project: 'fake-owner/fake-repo' },
    },
    gitlab: {
      token: gl,
      tokenEnv: 'GITLAB_TOKEN',
      inputs: { provider: 'gitlab', token: gl, url: 'https://gitlab.com', project: 'fake-group/fake-project' },
    },
    bitbucket: {
      token: bb,
      tokenEnv: 'BITBUCKET_TOKEN',
      inputs: {
        provider: 'bitbucket',
        token: bb,
        url: 'https://api.bitbucket.org/2.0',
        username: 'fake.tester@example.invalid',
        project: 'fake-ws/fake-repo',
      },
    },
  };
}

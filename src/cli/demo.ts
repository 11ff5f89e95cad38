/**
 * `credential-preflight demo`: three built-in sample credentials, checked offline exactly as a user's
 * would be — one passing, one with warnings, one failing. The samples are minted at run time from
 * words that spell FAKE / DEMO, relative to today's date, so they never look like live secrets and
 * never go stale.
 */
import { runPreflight, type PreflightDeps } from '../core/preflight.js';
import { mintAdoPat84 } from '../core/providers/azure-devops/synthetic.js';
import { mintGitHubClassic } from '../core/providers/github/synthetic.js';
import { renderText } from '../core/render/text.js';
import { resolveRequest, type RawInputs } from '../core/request.js';
import { exitCodeFor } from './exit-codes.js';
import type { CliIo } from './main.js';

const fill = (word: string, length: number): string => word.repeat(Math.ceil(length / word.length)).slice(0, length);

interface Sample {
  title: string;
  command: string;
  inputs: RawInputs;
}

export function demoSamples(now: Date): Sample[] {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  const aYearAgo = new Date(Date.UTC(year, month - 1 - 12, 1));
  const fresh = mintAdoPat84({ random52: fill('FAKEx0DEMOx0PATx0NOTxREAL', 52), year, month });
  const ageing = mintAdoPat84({ random52: fill('FAKEx0DEMOx0OLDx0PATx0NOTxREAL', 52), year: aYearAgo.getUTCFullYear(), month: aYearAgo.getUTCMonth() + 1 });
  const good = mintGitHubClassic('ghp', fill('FAKEx0DEMOx0TOKENx0NOTxREAL', 30));
  // One character mistyped at the end, as when a token is copied by hand.
  const typo = good.slice(0, -1) + (good.endsWith('x') ? 'y' : 'x');
  return [
    {
      title: 'A fresh Azure DevOps PAT for the right organisation',
      command: 'AZURE_DEVOPS_PAT=*** credential-preflight --offline --url https://dev.azure.com/fabrikam --project Fabrikam-Fiber',
      inputs: { provider: 'auto', token: fresh, url: 'https://dev.azure.com/fabrikam', project: 'Fabrikam-Fiber', offline: 'true' },
    },
    {
      title: 'An Azure DevOps PAT created this month last year, on the legacy host, when the pipeline wants 30 days of validity',
      command: 'AZURE_DEVOPS_PAT=*** credential-preflight --offline --url https://fabrikam.visualstudio.com/ --min-days-remaining 30',
      inputs: { provider: 'azure-devops', token: ageing, url: 'https://fabrikam.visualstudio.com/', minDaysRemaining: '30', offline: 'true' },
    },
    {
      title: 'A GitHub token with one character mistyped',
      command: 'GITHUB_TOKEN=*** credential-preflight --offline --provider github --url https://github.com/octo-org/octo-repo',
      inputs: { provider: 'github', token: typo, url: 'https://github.com/octo-org/octo-repo', offline: 'true' },
    },
  ];
}

export async function runDemo(io: Pick<CliIo, 'stdout'>, deps: PreflightDeps, options: { color: boolean; format: 'text' | 'json' }): Promise<number> {
  const samples = demoSamples(deps.now());
  io.stdout('credential-preflight demo: three sample credentials (fake, minted for today), checked offline.\n\n');
  for (const [i, sample] of samples.entries()) {
    const { request, findings } = resolveRequest(sample.inputs, {});
    const report = await runPreflight(request, deps, findings);
    io.stdout(`── ${i + 1}. ${sample.title}\n$ ${sample.command}\n`);
    io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, { color: options.color }));
    io.stdout(`(exit code ${exitCodeFor(report)})\n\n`);
  }
  io.stdout('Run `credential-preflight --help` for the options; `--format json` prints the report a pipeline can parse.\n');
  return 0;
}

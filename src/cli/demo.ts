/**
 * `credential-preflight demo`: built-in sample credentials checked exactly as a user's would be —
 * three offline (passing, warning, failing), then three online against replayed Azure DevOps Services
 * answers (`demo-replay.ts`: an undici MockAgent with net connect disabled, so no request leaves the
 * machine). The samples are minted at run time from words that spell FAKE / DEMO, relative to today's
 * date, so they never look like live secrets and never go stale.
 */
import { runPreflight, type PreflightDeps } from '../core/preflight.js';
import { mintAzureDevOpsPat84 } from '../core/providers/azure-devops/synthetic.js';
import { mintGitHubClassic } from '../core/providers/github/synthetic.js';
import { renderText } from '../core/render/text.js';
import { resolveRequest, type RawInputs } from '../core/request.js';
import { redact, secretForms } from '../core/secrets.js';
import { DEMO_PROJECT, replayAgent, type ReplayScenario } from './demo-replay.js';
import { exitCodeFor } from './exit-codes.js';
import type { CliIo } from './main.js';
import { BIN, withCommand } from './self-command.js';

const fill = (word: string, length: number): string => word.repeat(Math.ceil(length / word.length)).slice(0, length);

export interface Sample {
  title: string;
  command: string;
  inputs: RawInputs;
  /** Online samples: the replayed answers they are checked against. */
  replay?: ReplayScenario;
}

/** A fake 84-character PAT whose random part spells `word`, created in the month of `created`. */
const demoPat = (word: string, created: Date): string =>
  mintAzureDevOpsPat84({ random52: fill(word, 52), year: created.getUTCFullYear(), month: created.getUTCMonth() + 1 });

/** The first day of the month `n` months before `now`'s. */
const monthsAgo = (now: Date, n: number): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));

/** 1-3: passing, warning and failing, checked offline. */
function offlineSamples(now: Date): Sample[] {
  const good = mintGitHubClassic('ghp', fill('FAKEx0DEMOx0TOKENx0NOTxREAL', 30));
  // One character mistyped at the end, as when a token is copied by hand.
  const typo = good.slice(0, -1) + (good.endsWith('x') ? 'y' : 'x');
  return [
    {
      title: 'A fresh Azure DevOps PAT for the right organisation',
      command: 'AZURE_DEVOPS_PAT=*** credential-preflight --offline --url https://dev.azure.com/fabrikam --project Fabrikam-Fiber',
      inputs: {
        provider: 'auto',
        token: demoPat('FAKEx0DEMOx0PATx0NOTxREAL', now),
        url: 'https://dev.azure.com/fabrikam',
        project: 'Fabrikam-Fiber',
        offline: 'true',
      },
    },
    {
      title: 'An Azure DevOps PAT created this month last year, on the legacy host, when the pipeline wants 30 days of validity',
      command: 'AZURE_DEVOPS_PAT=*** credential-preflight --offline --url https://fabrikam.visualstudio.com/ --min-days-remaining 30',
      inputs: {
        provider: 'azure-devops',
        token: demoPat('FAKEx0DEMOx0OLDx0PATx0NOTxREAL', monthsAgo(now, 12)),
        url: 'https://fabrikam.visualstudio.com/',
        minDaysRemaining: '30',
        offline: 'true',
      },
    },
    {
      title: 'A GitHub token with one character mistyped',
      command: 'GITHUB_TOKEN=*** credential-preflight --offline --provider github --url https://github.com/octo-org/octo-repo',
      inputs: { provider: 'github', token: typo, url: 'https://github.com/octo-org/octo-repo', offline: 'true' },
    },
  ];
}

/** 4-6: checked online against replayed Azure DevOps Services answers. */
function onlineSamples(now: Date): Sample[] {
  const asked = DEMO_PROJECT.toLowerCase();
  return [
    {
      title: `Online: a working PAT, but the project is asked for as "${asked}" and the PAT lacks Build: Read`,
      command: `AZURE_DEVOPS_PAT=*** credential-preflight --url https://dev.azure.com/fabrikam --project ${asked} --required-scopes vso.code,vso.build`,
      inputs: {
        provider: 'auto',
        token: demoPat('FAKEx0DEMOx0ONLINEx0PATx0NOTxREAL', now),
        url: 'https://dev.azure.com/fabrikam',
        project: asked,
        requiredScopes: 'vso.code,vso.build',
      },
      replay: 'case-and-scopes',
    },
    {
      title: 'Online: a PAT that looks fine offline, but Azure DevOps says it has expired',
      command: 'AZURE_DEVOPS_PAT=*** credential-preflight --url https://dev.azure.com/fabrikam',
      // Created two months ago: offline it may still be valid; only Azure DevOps knows it has expired.
      inputs: {
        provider: 'auto',
        token: demoPat('FAKEx0DEMOx0EXPIREDx0PATx0NOTxREAL', monthsAgo(now, 2)),
        url: 'https://dev.azure.com/fabrikam',
      },
      replay: 'expired',
    },
    {
      title: 'Online: a build agent that cannot resolve dev.azure.com (network trouble, not a token verdict)',
      command: 'AZURE_DEVOPS_PAT=*** credential-preflight --url https://dev.azure.com/fabrikam',
      inputs: { provider: 'auto', token: demoPat('FAKEx0DEMOx0NOxDNSx0PATx0NOTxREAL', now), url: 'https://dev.azure.com/fabrikam' },
      replay: 'unreachable',
    },
  ];
}

export function demoSamples(now: Date): Sample[] {
  return [...offlineSamples(now), ...onlineSamples(now)];
}

export async function runDemo(
  io: Pick<CliIo, 'stdout' | 'stderr' | 'command'>,
  deps: PreflightDeps,
  options: { color: boolean; format: 'text' | 'json' },
): Promise<number> {
  const samples = demoSamples(deps.now()).map((s) => ({ ...s, command: withCommand(s.command, io.command ?? BIN) }));
  const json = options.format === 'json';
  // With --format json the output is one document ({ samples: [...] }), as every JSON output is.
  const results: Array<{ title: string; command: string; exitCode: number; report: unknown }> = [];
  if (!json) {
    io.stdout(
      'credential-preflight demo: sample credentials (fake, minted for today). 1-3 are checked offline;\n' +
        '4-6 online against replayed Azure DevOps Services answers built into the demo: no request leaves the machine.\n\n',
    );
  }
  for (const [i, sample] of samples.entries()) {
    const { request, findings } = resolveRequest(sample.inputs, {});
    // A replay has no transient failures, so no retries (and no backoff waits).
    const agent = sample.replay && replayAgent(sample.replay, sample.inputs.token!, sample.inputs.project);
    const report = await runPreflight(
      request,
      agent ? { ...deps, dispatcher: agent, http: { ...deps.http, maxRetries: 0 } } : deps,
      findings,
    );
    if (agent) {
      const unused = agent.pendingInterceptors().length;
      await agent.close();
      // The replay must match what the online checks request; a stale one is a bug, not a demo result.
      if (unused)
        io.stderr(`credential-preflight demo: sample ${i + 1} left ${unused} replayed answer(s) unrequested: the replay is out of date.\n`);
    }
    // As for a user's token: nothing holds it, but the output is redacted regardless.
    const forms = secretForms(sample.inputs.token);
    if (json) {
      results.push({
        title: sample.title,
        command: sample.command,
        exitCode: exitCodeFor(report),
        report: JSON.parse(redact(JSON.stringify(report), forms)),
      });
      continue;
    }
    io.stdout(`── ${i + 1}. ${sample.title}\n$ ${sample.command}\n`);
    io.stdout(redact(renderText(report, { color: options.color }), forms));
    io.stdout(`(exit code ${exitCodeFor(report)})\n\n`);
  }
  if (json) io.stdout(`${JSON.stringify({ samples: results }, null, 2)}\n`);
  else
    io.stdout(
      withCommand(
        'Run `credential-preflight --help` for the options; `--format json` prints the report a pipeline can parse.\n',
        io.command ?? BIN,
      ),
    );
  return 0;
}

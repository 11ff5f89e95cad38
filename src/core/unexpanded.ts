/**
 * The token.unexpanded finding: the value is a variable reference the platform did not replace. An
 * exact reference is quoted with its name (a name is not a secret; secretForms leaves it unmasked
 * for the same reason) and gets the fix for its own syntax; a reference inside a longer value is
 * only described, since the rest of the value may be a real token.
 */
import { exactReference, referenceInside, type Reference } from './reference.js';
import { finding, type Finding } from './report.js';
import type { InputNaming } from './request.js';

const KIND: Record<Reference['syntax'], string> = {
  'azure-macro': 'an Azure Pipelines macro',
  expression: 'a GitHub Actions or Azure Pipelines template expression',
  shell: 'a shell variable',
  cmd: 'a Windows cmd variable',
  powershell: 'a PowerShell variable',
};

/**
 * System.AccessToken is defined in every Azure Pipelines job but is a secret: scripts get it only
 * through an explicit `env:` mapping, and this task reads it itself with `useSystemAccessToken`
 * (task.json). https://learn.microsoft.com/azure/devops/pipelines/build/variables#systemaccesstoken
 */
function systemAccessTokenFix(naming: InputNaming | undefined): string {
  // The CLI runs in a script step: the mapped variable is what it reads, named by its flags.
  if (naming === 'flag')
    return 'System.AccessToken reaches a script step only when mapped explicitly: add `env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }` to the step and run the check with `--token-env SYSTEM_ACCESSTOKEN --token-type system-access-token` (secret variables never reach scripts by themselves).';
  return 'In the CredentialPreflight task set `useSystemAccessToken: true`; in a script step map it explicitly with `env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }` and check that variable (secret variables never reach scripts by themselves).';
}

/** `${{ secrets.NAME }}` is evaluated only in a workflow file; a secret that does not exist evaluates to empty, so a literal means it was never evaluated. */
function expressionFix(name: string): string {
  const secret = /^secrets\.(.+)$/i.exec(name)?.[1];
  if (secret)
    return `\`\${{ secrets.${secret} }}\` is GitHub Actions syntax, evaluated only in a workflow's \`with:\` and \`env:\`: pass it there (e.g. \`with: { token: \${{ secrets.${secret} }} }\`); in Azure Pipelines use the secret variable as \`$(${secret})\`.`;
  return `\`\${{ ${name} }}\` is a template expression, evaluated only in a workflow or pipeline file: pass it through \`with:\`/\`env:\` (GitHub) or a task input (Azure Pipelines) rather than from a file or script.`;
}

function fixFor(ref: Reference, naming: InputNaming | undefined): string {
  switch (ref.syntax) {
    case 'azure-macro':
      if (/^system\.accesstoken$/i.test(ref.name)) return systemAccessTokenFix(naming);
      return `Define the secret variable ${ref.name} for this pipeline (pipeline settings → Variables, or a linked variable group) with exactly this name, and map it into script steps explicitly: \`env: { AZURE_DEVOPS_PAT: $(${ref.name}) }\`.`;
    case 'expression':
      return expressionFix(ref.name);
    case 'cmd':
    case 'powershell':
      return `Set ${ref.name} in this step's environment; the text reached the tool without a shell to replace it.`;
    default:
      return `Set ${ref.name} in this step's environment and let a shell expand it (not inside single quotes, a YAML value or an .env file), or, with the CLI, name the variable itself: \`--token-env ${ref.name}\`.`;
  }
}

export function unexpandedFinding(token: string, naming?: InputNaming): Finding | undefined {
  const ref = exactReference(token);
  if (ref)
    return finding(
      'token.unexpanded',
      'error',
      `The token is the literal text ${JSON.stringify(ref.text)}, ${KIND[ref.syntax]} that was not expanded: ${ref.name} was not available here, so its reference was passed instead of its value.`,
      fixFor(ref, naming),
    );
  const inside = referenceInside(token);
  if (!inside) return undefined;
  return finding(
    'token.unexpanded',
    'error',
    `The token contains ${inside} that was not expanded (not shown: the rest of the value may be secret), so a reference was passed instead of a value.`,
    'Define the secret variable with exactly the name used, and pass only the variable (nothing around it) to the step.',
  );
}

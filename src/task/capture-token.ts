/**
 * Captures the inputs before azure-pipelines-task-lib loads: on import, task-lib moves every INPUT_*
 * variable into its vault and deletes it from process.env, and the only public way back,
 * tl.getInput, writes `name=<value>` to the debug log before any code could mask it — the token, or
 * a token pasted into `project`. The task reads its inputs here instead, and logs none of them.
 * This module must be imported before task-lib (ES modules evaluate in import order).
 */
export const capturedToken: string | undefined = process.env.INPUT_TOKEN;

const captured: Record<string, string> = Object.create(null) as Record<string, string>;
for (const [key, value] of Object.entries(process.env)) if (key.startsWith('INPUT_') && value) captured[key] = value;

/** tl.getInput's answer (its key rule: dots and spaces become underscores, upper case), without its debug line. */
export function capturedInput(name: string): string | undefined {
  return captured[`INPUT_${name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase()}`];
}

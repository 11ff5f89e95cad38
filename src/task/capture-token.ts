/**
 * Captures the `token` input before azure-pipelines-task-lib loads: on import, task-lib moves every
 * INPUT_* variable into its vault and deletes it from process.env, and the only public way back,
 * tl.getInput, writes `token=<value>` to the debug log before any code could mask it.
 * This module must be imported before task-lib (ES modules evaluate in import order).
 */
export const capturedToken: string | undefined = process.env.INPUT_TOKEN;

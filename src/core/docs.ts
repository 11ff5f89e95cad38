/**
 * Where fixes point for more: absolute URLs of the repository's docs. The npm package ships only
 * dist/cli/ and the schema, so a relative path such as docs/scopes.md is dead for its users.
 * The repository is package.json's `repository` (a unit test keeps the two in step).
 */
export const DOCS_BASE = 'https://github.com/credential-preflight/credential-preflight/blob/main/docs';

/** `page` under docs/ (e.g. `scopes.md`), at `anchor` if given. */
export const docsUrl = (page: string, anchor?: string): string => `${DOCS_BASE}/${page}${anchor ? `#${anchor}` : ''}`;

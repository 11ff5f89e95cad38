/**
 * The other service connections an Azure pipeline uses to reach code — GitHub and Bitbucket Cloud —
 * as a token (and user name) for the matching provider's checks. Schemes and parameter names as
 * Microsoft's tasks read them (microsoft/azure-pipelines-tasks GitHubReleaseV1 Utility.ts;
 * microsoft/azure-pipelines-extensions BitBucket downloadBitbucket.js); names match case-insensitively.
 */
export interface EndpointAuthorization {
  scheme?: string;
  parameters: Record<string, string>;
}

function param(auth: EndpointAuthorization, ...names: string[]): string | undefined {
  for (const name of names) {
    const key = Object.keys(auth.parameters).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key !== undefined ? auth.parameters[key] : undefined;
    if (value !== undefined && value.trim() !== '') return value;
  }
  return undefined;
}

/**
 * PersonalAccessToken `accessToken`, OAuth / Token `AccessToken` (Token falls back to `ApiToken`, as
 * the agent does). InstallationToken (the Azure Pipelines GitHub App) and OAuth2: the parameter name
 * is documented nowhere; `AccessToken` is ASSUMED, like OAuth. Without it the run ends in
 * token.missing naming the connection and its scheme (githubConnectionMissing), never a crash.
 */
export function githubConnectionToken(auth: EndpointAuthorization): string | undefined {
  return param(auth, 'AccessToken', 'ApiToken');
}

/** The token.missing clause for a GitHub connection that holds none of the names looked for. */
export function githubConnectionMissing(name: string, auth: EndpointAuthorization | undefined): string {
  if (!auth) return `the GitHub service connection "${name}" is not available to this task (no authorization was handed over)`;
  const scheme = auth.scheme ?? '(none)';
  const assumed = /^(installationtoken|oauth2)$/i.test(scheme)
    ? `; for ${scheme} connections the parameter name is undocumented and AccessToken is assumed, so use a PersonalAccessToken, OAuth or Token connection (or pass a token) to have it checked`
    : '';
  return `the GitHub service connection "${name}" (scheme ${scheme}) holds no AccessToken or ApiToken parameter${assumed}`;
}

/** UsernamePassword: user name + app password; Token: API token + Atlassian e-mail; OAuth / OAuth2: `AccessToken`. */
export function bitbucketConnectionCredential(auth: EndpointAuthorization): { token: string | undefined; username: string | undefined } {
  const scheme = (auth.scheme ?? '').toLowerCase();
  if (scheme === 'usernamepassword') return { token: param(auth, 'password'), username: param(auth, 'username') };
  if (scheme === 'token') return { token: param(auth, 'apitoken'), username: param(auth, 'email') };
  return { token: param(auth, 'AccessToken'), username: undefined };
}

/** The token.missing clause for a Bitbucket connection without the parameter its scheme keeps the secret in. */
export function bitbucketConnectionMissing(name: string, auth: EndpointAuthorization | undefined): string {
  if (!auth) return `the Bitbucket service connection "${name}" is not available to this task (no authorization was handed over)`;
  const scheme = (auth.scheme ?? '').toLowerCase();
  const wanted = scheme === 'usernamepassword' ? 'password' : scheme === 'token' ? 'apitoken' : 'AccessToken';
  return `the Bitbucket service connection "${name}" (scheme ${auth.scheme ?? '(none)'}) holds no ${wanted} parameter`;
}

/**
 * Obtaining the federated token (the client assertion) from where the platform keeps it. Each request
 * goes through the one HTTP client, with the platform's own credential sent only to its own endpoint.
 */
import type { HttpClient, HttpOutcome } from '../http/client.js';
import type { Finding } from '../report.js';
import { connectionUnauthorized, GITHUB_NO_PERMISSION_HINT, hostTrouble, noAssertion } from './messages.js';
import type { AssertionSource } from './source.js';

/** Builds an HTTP client that sends `Authorization: Bearer {token}` only to `origin`. */
export type BearerClient = (origin: string, token: string | undefined) => HttpClient;

export interface AssertionDeps {
  readFile: (path: string) => string;
  client: BearerClient;
  audience: string;
}

/** The token, or the finding that says why there is none. */
export type AssertionResult = { token: string } | { finding: Finding };

/** The fix when the agent gives no OIDC token for this connection: select it, and authorise it. */
const pipelinesHint = (id: string): string =>
  `Select the Azure Resource Manager service connection ${id} in this task's \`azureSubscription\` input (the agent issues OIDC tokens only for connections a task input references) and authorise it for the pipeline (the connection → Security → Pipeline permissions).`;

function fromFile(path: string, deps: AssertionDeps): AssertionResult {
  try {
    // The Azure SDKs trim the file's content (WorkloadIdentityCredential); so do we.
    const token = deps.readFile(path).trim();
    if (token) return { token };
    const hint = `Point AZURE_FEDERATED_TOKEN_FILE at a file the platform keeps filled with its OIDC token (AKS projects one for pods labelled azure.workload.identity/use: "true"); ${path} is empty.`;
    return { finding: noAssertion(`the file ${path} (AZURE_FEDERATED_TOKEN_FILE) is empty`, hint) };
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'unreadable';
    return {
      finding: noAssertion(
        `the file ${path} (AZURE_FEDERATED_TOKEN_FILE) cannot be read (${code})`,
        'Point AZURE_FEDERATED_TOKEN_FILE at the projected service account token file (AKS sets it for pods labelled azure.workload.identity/use: "true").',
      ),
    };
  }
}

function readField(r: HttpOutcome, field: string, who: string, hint: string): AssertionResult {
  if (r.kind === 'network') return { finding: hostTrouble(r, who) };
  const value = r.isJson ? (r.json as Record<string, unknown>)[field] : undefined;
  if (r.status === 200 && typeof value === 'string' && value) return { token: value };
  return { finding: noAssertion(`${who} answered ${r.status}${r.status === 404 ? ' (not found)' : ''} instead of a token`, hint) };
}

/**
 * GitHub: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=… with the request token as bearer, answer
 * `{"value": …}` (docs.github.com "OpenID Connect reference"; actions/toolkit core oidc-utils.ts).
 */
async function fromGitHub(source: Extract<AssertionSource, { kind: 'github' }>, deps: AssertionDeps): Promise<AssertionResult> {
  if (!source.requestUrl || !source.requestToken) {
    return {
      finding: noAssertion(
        'GitHub did not provide ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN to this job',
        GITHUB_NO_PERMISSION_HINT,
      ),
    };
  }
  const url = new URL(source.requestUrl);
  url.searchParams.set('audience', deps.audience);
  const http = deps.client(url.origin, source.requestToken);
  return readField(await http.get(url.toString()), 'value', "GitHub's OIDC token endpoint", GITHUB_NO_PERMISSION_HINT);
}

/**
 * Azure Pipelines: POST {System.OidcRequestUri}?api-version=7.1&serviceConnectionId={id} with the
 * job's System.AccessToken as bearer, answer `{"oidcToken": …}` (learn.microsoft.com/rest/api/azure/
 * devops/distributedtask/oidctoken/create; Azure SDK's AzurePipelinesCredential does the same).
 */
async function fromPipelines(source: Extract<AssertionSource, { kind: 'azure-pipelines' }>, deps: AssertionDeps): Promise<AssertionResult> {
  if (!source.requestUri)
    return {
      finding: noAssertion(
        'the agent did not set System.OidcRequestUri (an agent too old, or Azure DevOps Server)',
        'Run on Azure DevOps Services with a current agent, or use a service connection with a secret.',
      ),
    };
  if (!source.accessToken)
    return {
      finding: noAssertion(
        "the job's System.AccessToken is not available to request the OIDC token",
        pipelinesHint(source.serviceConnectionId),
      ),
    };
  const url = new URL(source.requestUri);
  url.searchParams.set('api-version', '7.1');
  url.searchParams.set('serviceConnectionId', source.serviceConnectionId);
  const http = deps.client(url.origin, source.accessToken);
  // The suppress header turns a sign-in redirect into a plain 401, as Microsoft's .NET SDK asks.
  const r = await http.post(url.toString(), '{}', { 'content-type': 'application/json', 'x-tfs-fedauthredirect': 'Suppress' });
  // 404 (empty body) when no input of this task references the connection [observed:
  // MicrosoftDocs/vsts-rest-api-specs#709]; 403 read alike: the job may not use this connection.
  if (r.kind === 'response' && (r.status === 404 || r.status === 403))
    return { finding: connectionUnauthorized(source.serviceConnectionId, r.status) };
  return readField(r, 'oidcToken', 'the Azure Pipelines OIDC endpoint', pipelinesHint(source.serviceConnectionId));
}

export async function obtainAssertion(source: AssertionSource, deps: AssertionDeps): Promise<AssertionResult> {
  if (source.kind === 'file') return fromFile(source.path, deps);
  if (source.kind === 'github') return fromGitHub(source, deps);
  return fromPipelines(source, deps);
}

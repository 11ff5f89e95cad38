/**
 * Replayed Azure DevOps Services answers for the demo's online samples: an undici MockAgent with one
 * interceptor per request the Azure DevOps online checks make, shaped like the real service's answers
 * (https://learn.microsoft.com/rest/api/azure/devops/; bodies from Microsoft's published examples
 * GET__projects__projectName_.json and GET__git_repositories.json in MicrosoftDocs/vsts-rest-api-specs). Demo data only: the checks that read these answers live in the core.
 * Net connect is disabled, so a request the replay does not expect fails instead of leaving the machine.
 */
import type { MockAgent } from 'undici';
// From its own module, like the client's parts of undici (src/core/http/undici.ts, which also adds
// the request API the client calls): undici's index would carry fetch, WebSocket and the rest into
// the CLI's demo chunk.
import MockAgentClass from 'undici/lib/mock/mock-agent.js';

export type ReplayScenario = 'case-and-scopes' | 'expired' | 'unreachable';

export const DEMO_ORG = 'fabrikam';
/** The project as stored; the demo asks for it in another casing. */
export const DEMO_PROJECT = 'Fabrikam-Fiber';
export const DEMO_USER = {
  id: 'fa4e0000-de70-4000-a000-00000000fa4e',
  displayName: 'Demo User (fake)',
  uniqueName: 'demo.user@fabrikam.example',
};

const ORIGIN = 'https://dev.azure.com';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const EXPIRED = 'Access Denied: The Personal Access Token used has expired.';
const PROJECT_ID = 'fa4e0000-de70-4000-a000-0000000000f1';

/** Azure DevOps' "WrappedException" error body. */
const wrapped = (message: string, typeKey: string, typeName: string): object => ({
  $id: '1',
  innerException: null,
  message,
  typeName,
  typeKey,
  errorCode: 0,
  eventId: 3000,
});

function connectionData(): object {
  const user = {
    id: DEMO_USER.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${DEMO_USER.uniqueName}`,
    providerDisplayName: DEMO_USER.displayName,
    isActive: true,
    properties: { Account: { $type: 'System.String', $value: DEMO_USER.uniqueName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
  return {
    authenticatedUser: user,
    authorizedUser: user,
    instanceId: 'fa4e0000-de70-4000-a000-0000000000a1',
    deploymentId: 'fa4e0000-de70-4000-a000-0000000000d1',
    deploymentType: 'hosted',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1024,
      lastChangeId64: 1024,
    },
  };
}

function project(): object {
  const url = `${ORIGIN}/${DEMO_ORG}/_apis/projects/${PROJECT_ID}`;
  return {
    id: PROJECT_ID,
    name: DEMO_PROJECT,
    url,
    state: 'wellFormed',
    revision: 10,
    visibility: 'private',
    lastUpdateTime: '2026-01-15T10:00:00.000Z',
    _links: { self: { href: url }, web: { href: `${ORIGIN}/${DEMO_ORG}/${DEMO_PROJECT}` } },
    defaultTeam: {
      id: 'fa4e0000-de70-4000-a000-0000000000e1',
      name: `${DEMO_PROJECT} Team`,
      url: `${url}/teams/fa4e0000-de70-4000-a000-0000000000e1`,
    },
  };
}

function repositories(): object {
  const id = 'fa4e0000-de70-4000-a000-0000000000c1';
  return {
    count: 1,
    value: [
      {
        id,
        name: DEMO_PROJECT,
        url: `${ORIGIN}/${DEMO_ORG}/_apis/git/repositories/${id}`,
        project: { id: PROJECT_ID, name: DEMO_PROJECT, url: `${ORIGIN}/${DEMO_ORG}/_apis/projects/${PROJECT_ID}`, state: 'wellFormed' },
        defaultBranch: 'refs/heads/main',
        remoteUrl: `${ORIGIN}/${DEMO_ORG}/_git/${DEMO_PROJECT}`,
      },
    ],
  };
}

/**
 * The replay for one scenario. Every interceptor is used exactly once and only matches a request that
 * carries this PAT as Basic credentials and the redirect-suppression header, as the real service needs.
 * `requested` is the project name as the sample asks for it.
 */
export function replayAgent(scenario: ReplayScenario, token: string, requested = DEMO_PROJECT.toLowerCase()): MockAgent {
  const agent = new MockAgentClass();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const headers = { authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`, 'x-tfs-fedauthredirect': 'Suppress' };
  const get = (path: string) => pool.intercept({ method: 'GET', path, headers });
  const connection = get(`/${DEMO_ORG}/_apis/connectionData`);
  switch (scenario) {
    case 'case-and-scopes': {
      const p = encodeURIComponent(requested);
      connection.reply(200, connectionData(), { headers: JSON_HEADERS });
      // Lookup by name ignores case; the answer carries the stored name.
      get(`/${DEMO_ORG}/_apis/projects/${p}?api-version=7.1`).reply(200, project(), { headers: JSON_HEADERS });
      get(`/${DEMO_ORG}/${p}/_apis/git/repositories?api-version=7.1`).reply(200, repositories(), { headers: JSON_HEADERS });
      // A scope the PAT lacks: 401 with TF400813 while identity and project calls succeed.
      get(`/${DEMO_ORG}/${p}/_apis/build/definitions?$top=1&api-version=7.1`).reply(
        401,
        wrapped(
          `TF400813: The user '${DEMO_USER.id}' is not authorized to access this resource.`,
          'UnauthorizedRequestException',
          'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
        ),
        { headers: JSON_HEADERS },
      );
      break;
    }
    case 'expired':
      connection.reply(
        401,
        wrapped(
          EXPIRED,
          'AccessCheckException',
          'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
        ),
        {
          headers: { ...JSON_HEADERS, 'x-tfs-serviceerror': encodeURIComponent(EXPIRED) },
        },
      );
      break;
    case 'unreachable':
      // What a build agent without DNS for dev.azure.com sees.
      connection.replyWithError(
        Object.assign(new Error(`getaddrinfo ENOTFOUND dev.azure.com`), {
          code: 'ENOTFOUND',
          syscall: 'getaddrinfo',
          hostname: 'dev.azure.com',
        }),
      );
      break;
  }
  return agent;
}

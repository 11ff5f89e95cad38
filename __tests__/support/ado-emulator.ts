/**
 * A local HTTPS emulator of the Azure DevOps REST API (Services and Server shapes), faithful to the
 * documented behaviour in shared/spec/provider-apis.md §2: 203 + HTML sign-in page without
 * X-TFS-FedAuthRedirect, 401 with it, the expired-PAT AccessCheckException, the anonymous identity of
 * public organisations, case-insensitive project lookup returning the stored name, includeHistory
 * renames, project states, per-scope 401s, 429 with Retry-After, and the Server api-version ceiling.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Agent, buildConnector } from 'undici';
import { testPki } from './test-ca.js';

export interface AdoTokenSpec {
  user: { id: string; displayName: string };
  /** Organisations (or collections) the token is valid for, lower case; 'all' for a global PAT. */
  organizations: string[] | 'all';
  scopes: string[] | 'full';
  expired?: boolean;
}

export interface AdoProject {
  id: string;
  name: string;
  state?: string;
  previousNames?: string[];
}

export interface AdoOrg {
  projects: AdoProject[];
  /** Public projects enabled: a bad token is answered as the anonymous user on connectionData. */
  public?: boolean;
}

export interface Fault {
  /** Matched against `host + path`. */
  match: RegExp;
  times: number;
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Drop the connection instead of answering. */
  drop?: boolean;
}

export interface AdoEmulatorOptions {
  mode: 'services' | 'server';
  orgs: Record<string, AdoOrg>;
  tokens: Record<string, AdoTokenSpec>;
  /** Server: the highest api-version it serves. */
  apiVersionCeiling?: string;
  faults?: Fault[];
  /** Delay before each answer (for the round-trip test); answered with a timer, never slept on by tests. */
  latencyMs?: number;
}

export interface RecordedRequest {
  host: string;
  path: string;
  query: URLSearchParams;
  hasAuth: boolean;
  arrived: number;
  answered?: number;
}

export interface AdoEmulator {
  port: number;
  /** `https://127.0.0.1:{port}/{org}` (Server shape). */
  url(org: string): string;
  requests: RecordedRequest[];
  connections: number;
  /** A dispatcher that sends Services host names (dev.azure.com and its siblings) to this emulator. */
  dispatcher(): Agent;
  close(): Promise<void>;
}

export const ANONYMOUS = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';

const AREA_SCOPES: Array<[RegExp, string[]]> = [
  [/^_apis\/projects(\/|$)/, ['vso.project', 'vso.profile']],
  [/^[^_][^/]*\/_apis\/wit\/workitemtypes$/i, ['vso.work']],
  [/^[^_][^/]*\/_apis\/git\/repositories$/i, ['vso.code']],
  [/^[^_][^/]*\/_apis\/build\/definitions$/i, ['vso.build']],
  [/^[^_][^/]*\/_apis\/release\/definitions$/i, ['vso.release']],
  [/^_apis\/graph\/users$/i, ['vso.graph']],
  [/^[^_][^/]*\/_apis\/packaging\/feeds$/i, ['vso.packaging']],
  [/^[^_][^/]*\/_apis\/serviceendpoint\/endpoints$/i, ['vso.serviceendpoint']],
  [/^[^_][^/]*\/_apis\/distributedtask\/variablegroups$/i, ['vso.variablegroups_read']],
  [/^_apis\/distributedtask\/pools$/i, ['vso.agentpools']],
  [/^_apis\/profile\/profiles\/me$/i, ['vso.profile']],
];

/** A write/execute/manage scope includes its read scope (vso.code_write ⇒ vso.code). */
function hasScope(granted: string[] | 'full', needed: string): boolean {
  if (granted === 'full') return true;
  const base = needed.replace(/_read$/, '');
  return granted.some((s) => s === needed || s.startsWith(`${base}_`));
}

const versionNumber = (v: string): number => {
  const [a, b] = v.split('-')[0]!.split('.').map(Number);
  return (a ?? 0) * 1000 + (b ?? 0);
};

export async function startAdoEmulator(options: AdoEmulatorOptions): Promise<AdoEmulator> {
  const pki = testPki();
  const requests: RecordedRequest[] = [];
  const faults = (options.faults ?? []).map((f) => ({ ...f }));
  let connections = 0;
  const orgs = new Map(Object.entries(options.orgs).map(([k, v]) => [k.toLowerCase(), v]));

  const server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const auth = req.headers.authorization;
    const record: RecordedRequest = { host, path: url.pathname, query: url.searchParams, hasAuth: !!auth, arrived: performance.now() };
    requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const json = typeof body !== 'string' || headers['content-type'] === undefined;
      const answer = (): void => {
        record.answered = performance.now();
        res.writeHead(status, { 'x-vss-e2eid': randomUUID(), ...(json && typeof body !== 'string' ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
        res.end(text);
      };
      if (options.latencyMs) setTimeout(answer, options.latencyMs);
      else answer();
    };
    const error = (status: number, message: string, typeKey: string, headers: Record<string, string> = {}): void =>
      send(status, { $id: '1', innerException: null, message, typeName: `Microsoft.TeamFoundation.${typeKey}, Microsoft.TeamFoundation`, typeKey, errorCode: 0, eventId: 3000 }, headers);

    const fault = faults.find((f) => f.times > 0 && f.match.test(host + url.pathname));
    if (fault) {
      fault.times--;
      if (fault.drop) return void req.socket.destroy();
      return send(fault.status, fault.body ?? '', { 'content-type': 'text/plain', ...fault.headers });
    }

    // Where are we: Services (by host name) or Server (collection in the path)?
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const services = options.mode === 'services';
    let org: string | undefined;
    let rest: string[];
    if (host === 'app.vssps.visualstudio.com') {
      rest = segments;
    } else {
      org = segments[0]?.toLowerCase();
      rest = segments.slice(1);
    }
    const route = rest.join('/');
    const orgSpec = org ? orgs.get(org) : undefined;
    if (org && !orgSpec) return error(404, `VS800001: The organization '${org}' could not be found.`, 'AccountNotFoundException');

    // api-version: Server ceilings; malformed strings.
    const version = url.searchParams.get('api-version');
    if (version) {
      if (!/^\d+\.\d+(-preview(\.\d+)?)?$/.test(version)) return error(400, `Invalid api version string: "${version}". Api version string must be in the format: {Major}.{Minor}[-preview[.{ResourceVersion}]].`, 'VssInvalidApiVersionException');
      const ceiling = services ? '7.2' : (options.apiVersionCeiling ?? '7.1');
      if (versionNumber(version) > versionNumber(ceiling)) {
        return error(400, `The requested REST API version of ${version} is out of range for this server. The latest REST API version this server supports is ${ceiling}.`, 'VssVersionOutOfRangeException');
      }
    }

    // Authentication.
    let token: string | undefined;
    if (auth?.startsWith('Basic ')) token = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':');
    else if (auth?.startsWith('Bearer ')) token = auth.slice(7);
    const spec = token !== undefined ? options.tokens[token] : undefined;
    const suppress = req.headers['x-tfs-fedauthredirect'] === 'Suppress';
    const validHere = spec && (spec.organizations === 'all' || (org !== undefined && spec.organizations.includes(org)) || org === undefined);
    if (spec?.expired) {
      const message = 'Access Denied: The Personal Access Token used has expired.';
      return error(401, message, 'AccessCheckException', { 'x-tfs-serviceerror': encodeURIComponent(message) });
    }
    if (!spec || !validHere) {
      if (route === '_apis/connectionData' && orgSpec?.public) {
        return send(200, { authenticatedUser: { id: ANONYMOUS, providerDisplayName: 'Anonymous' }, authorizedUser: { id: ANONYMOUS }, deploymentType: services ? 'hosted' : 'onPremises' });
      }
      if (!suppress) return send(203, '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in</body></html>', { 'content-type': 'text/html; charset=utf-8' });
      return error(401, 'TF400813: The user is not authorized to access this resource.', 'UnauthorizedRequestException', services ? { 'www-authenticate': 'Bearer authorization_uri=https://login.microsoftonline.com/00000000-fa4e-7e57-0000-000000000001' } : {});
    }

    if (route === '_apis/connectionData') {
      const user = { id: spec.user.id, providerDisplayName: spec.user.displayName, isActive: true };
      return send(200, { authenticatedUser: user, authorizedUser: user, instanceId: randomUUID(), deploymentType: services ? 'hosted' : 'onPremises', locationServiceData: {} });
    }
    const area = AREA_SCOPES.find(([re]) => re.test(route));
    if (!area) return error(404, 'The resource cannot be found.', 'ResourceNotFoundException');
    if (!area[1].some((s) => hasScope(spec.scopes, s))) return error(401, 'TF400813: The user is not authorized to access this resource.', 'UnauthorizedRequestException');

    const projects = orgSpec?.projects ?? [];
    const lookup = (name: string, history: boolean): AdoProject | undefined =>
      projects.find((p) => p.name.toLowerCase() === name.toLowerCase() || p.id === name) ??
      (history ? projects.find((p) => p.previousNames?.some((n) => n.toLowerCase() === name.toLowerCase())) : undefined);
    const shape = (p: AdoProject) => ({ id: p.id, name: p.name, url: `https://x/_apis/projects/${p.id}`, state: p.state ?? 'wellFormed', revision: 1, visibility: 'private' });

    if (route === '_apis/projects') {
      const top = Number(url.searchParams.get('$top') ?? projects.length);
      const value = projects.slice(0, top).map(shape);
      return send(200, { count: value.length, value });
    }
    if (rest[0] === '_apis' && rest[1] === 'projects' && rest[2]) {
      const p = lookup(rest[2], url.searchParams.get('includeHistory') === 'true');
      if (p) return send(200, shape(p));
      if (/^[0-9a-f-]{36}$/i.test(rest[2])) return error(404, `VS800075: The project with id '${rest[2]}' does not exist, or you do not have permission to access it.`, 'ProjectDoesNotExistException');
      return error(404, `TF200016: The following project does not exist: ${rest[2]}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, 'ProjectDoesNotExistWithNameException');
    }
    // Project-scoped areas need the project to exist.
    if (!rest[0]!.startsWith('_') && !lookup(rest[0]!, false)) {
      return error(404, `TF200016: The following project does not exist: ${rest[0]}.`, 'ProjectDoesNotExistWithNameException');
    }
    return send(200, { count: 0, value: [] });
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agents: Agent[] = [];

  return {
    port,
    url: (org) => `https://127.0.0.1:${port}/${org}`,
    requests,
    get connections() {
      return connections;
    },
    dispatcher() {
      const connect = buildConnector({ ca: pki.caPem });
      const agent = new Agent({
        connect: (opts, cb) => connect({ ...opts, hostname: '127.0.0.1', port: String(port), servername: opts.servername ?? opts.hostname }, cb),
      });
      agents.push(agent);
      return agent;
    },
    async close() {
      await Promise.all(agents.map((a) => a.destroy()));
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

// The comparison for `npm run bench`: the same Azure DevOps check written the way a pipeline script
// usually writes it with Microsoft's azure-devops-node-api — identity (connectionData), the project,
// then one read per scope (projects, git repositories, work item types, build and release
// definitions), each awaited in turn. Prints {"inScriptMs": …, "ok": true} on stdout.
//   AZURE_DEVOPS_PAT=… NODE_EXTRA_CA_CERTS=ca.pem node bench/azure-devops-node-api.mjs <collection-url> <project>
import * as azdev from 'azure-devops-node-api';

const [url, project] = process.argv.slice(2);
const started = performance.now();
const connection = new azdev.WebApi(url, azdev.getPersonalAccessTokenHandler(process.env.AZURE_DEVOPS_PAT ?? ''));
const data = await connection.connect(); // GET _apis/connectionData
const core = await connection.getCoreApi();
const found = await core.getProject(project);
await core.getProjects(undefined, 1);
const git = await connection.getGitApi();
await git.getRepositories(project);
const wit = await connection.getWorkItemTrackingApi();
await wit.getWorkItemTypes(project);
const build = await connection.getBuildApi();
await build.getDefinitions(project, undefined, undefined, undefined, undefined, 1);
const release = await connection.getReleaseApi();
await release.getReleaseDefinitions(project, undefined, undefined, undefined, undefined, 1);
const inScriptMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ inScriptMs, ok: Boolean(data.authenticatedUser?.id && found?.name === project) })}\n`);

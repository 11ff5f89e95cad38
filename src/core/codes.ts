/**
 * Every finding code, with its meaning and fix; docs/codes.md is generated from this catalogue by
 * scripts/codes-table.mjs. Codes are a public contract: pipelines match on them, so never rename one;
 * add new ones instead.
 */
import { docsUrl } from './docs.js';

export interface CodeDoc {
  /** What the code means. */
  meaning: string;
  /** What to do about it. */
  fix: string;
}

export const CODES = {
  // --- token hygiene ---------------------------------------------------------------------------
  'token.missing': {
    meaning:
      'No token was given, or it is empty; the message names where it was looked for and whether each variable is unset or set but empty (a secret that does not exist, or is withheld from this run, arrives empty).',
    fix: 'Pass the token through a secret (`token: ${{ secrets.X }}`, a secret pipeline variable, or the environment variable the CLI names).',
  },
  'token.whitespace': {
    meaning: 'The token has leading/trailing spaces, a line break, or surrounding quotes; tools that send it verbatim get 401.',
    fix: 'Save the secret again without the extra characters (for example `printf %s "$PAT"`, not `echo`).',
  },
  'token.unexpanded': {
    meaning:
      'The token is a literal variable reference such as `$(PAT)`, `${{ secrets.PAT }}`, `${PAT}` or `%PAT%`: the variable was not defined, so the platform passed its name. A value that is exactly one reference is shown (a name is not a secret); one inside a longer value is not.',
    fix: 'Define the secret variable (and, in Azure Pipelines, map it into the step with `env:` or the task input), or fix the variable name.',
  },
  'token.placeholder': {
    meaning: 'The token is a placeholder (`your-pat-token`, `***`, `xxxx`, `<token>`, `changeme`...), not a credential.',
    fix: 'Replace the placeholder with the real token, stored as a secret.',
  },
  'token.wrapper': {
    meaning: 'The token was pasted with a wrapper such as `Bearer `, `token `, `Basic ` or `user:`; the value must be the bare token.',
    fix: 'Store only the token itself; the tool and your later steps add the header scheme.',
  },
  'token.format': {
    meaning: "The token's prefix, length or characters do not match any format the provider issues.",
    fix: 'Copy the token again from the provider (the whole value), or check that the right secret is wired to this step.',
  },
  'token.checksum': {
    meaning: "The token's embedded checksum does not match: it was mistyped, truncated or altered.",
    fix: 'Copy the token again from where it was created, or create a new one; a token with a bad checksum is never accepted.',
  },
  'token.provider-mismatch': {
    meaning: 'The token belongs to a different provider than the one configured.',
    fix: "Set `provider` to the token's provider (or `auto`), or wire the right secret to this step.",
  },
  'token.expired': {
    meaning: 'The token has expired (known from the token itself or the provider).',
    fix: 'Create a new token (or regenerate this one) and update the secret.',
  },
  'token.expiring': {
    meaning: 'The token expires within the configured `min-days-remaining`.',
    fix: 'Regenerate or extend the token before it expires and update the secret.',
  },
  'token.not-yet-valid': {
    meaning: "The token's `nbf` (not before) time is in the future, or its creation date is after today.",
    fix: 'Check the clock of the machine that issued or checks the token; wait until the token becomes valid.',
  },
  'token.audience': {
    meaning: "The JWT was issued for another audience (resource) than the provider's API, which therefore rejects it.",
    fix: 'Request the token for the right resource, e.g. Azure DevOps `499b84ac-1321-427f-aa17-267ca6975798/.default`.',
  },
  'token.retired': {
    meaning:
      'This credential type has been retired by the provider: Bitbucket app passwords, and Azure DevOps global ("all accessible organizations") PATs since 2026-12-01.',
    fix: 'Bitbucket: replace it with an API token (Basic auth with your Atlassian e-mail) or an access token. Azure DevOps: create a PAT for this one organisation. Then update the secret.',
  },
  'token.unverifiable': {
    meaning: 'The token has no checksum or documented structure that can be checked offline.',
    fix: 'Nothing to do offline; run without `offline` to check it against the provider.',
  },
  'token.info': {
    meaning: 'A fact read from the token (kind, creation month, issuer, tenant) for the record.',
    fix: 'None needed.',
  },
  'token.wrong-kind': {
    meaning:
      'The token is a genuine credential of the provider, but of a kind that cannot authenticate API calls (for example a GitHub App refresh token).',
    fix: 'Use the access token that goes with it (exchange the refresh token for one) and store that in the secret.',
  },
  // --- URL shape -------------------------------------------------------------------------------
  'url.missing': {
    meaning: 'No organisation / host URL was given and the provider has no default.',
    fix: 'Pass `url` (e.g. `https://dev.azure.com/your-org`), or set `AZURE_DEVOPS_ORG_URL` / `AZURE_DEVOPS_ORG`.',
  },
  'url.invalid': {
    meaning: 'The URL cannot be parsed, or is not a shape this provider serves.',
    fix: 'Use the canonical form shown in the message.',
  },
  'url.insecure': {
    meaning: 'The URL uses `http:`; the token would travel in clear text. It is never sent there.',
    fix: 'Use `https://` (plain http is only accepted for loopback test servers).',
  },
  'url.legacy-host': {
    meaning: 'The organisation uses the legacy `{org}.visualstudio.com` host; it still works but new tools expect `dev.azure.com`.',
    fix: 'Use the `https://dev.azure.com/{org}` form shown in the message.',
  },
  'url.trailing-slash': {
    meaning: 'The URL ends with a slash; some tools then build `//_apis` paths that fail.',
    fix: 'Remove the trailing slash.',
  },
  'url.extra-path': {
    meaning: 'The URL carries more than the organisation / collection / host (a project, `_git/{repo}`, a UI path); it was split off.',
    fix: 'Pass the organisation URL as `url` and the project separately as `project`.',
  },
  'url.credentials': {
    meaning: 'The URL embeds a user name or password (`https://user:pat@host`); that leaks into logs and is never sent.',
    fix: 'Remove the credentials from the URL and pass the token as a secret.',
  },
  'url.provider-mismatch': {
    meaning: "The URL is a well-known host of another provider than the token's (e.g. a GitHub token with a dev.azure.com URL).",
    fix: "Wire the secret that belongs to this URL, or pass the URL of the token's provider.",
  },
  'url.whitespace': {
    meaning: 'The URL had surrounding whitespace or line breaks; they were removed.',
    fix: 'Remove the whitespace from the variable or input.',
  },
  'url.api-path': {
    meaning: 'The URL points at an API path (`/_apis`, `/api/v4`, `/api/v3`, `/2.0`); the base was taken from it.',
    fix: 'Pass the base URL shown in the message (both forms work; this is a note).',
  },
  'url.port': {
    meaning: 'Azure DevOps Services URLs do not take a port.',
    fix: 'Remove the port from the URL.',
  },
  // --- online: identity ----------------------------------------------------------------------
  'token.rejected': {
    meaning: 'The provider rejected the credential (401, or a sign-in page instead of data).',
    fix: 'Follow the likely causes in the message, in order; usually: create a new token for this organisation/host and update the secret.',
  },
  'token.revoked': {
    meaning: 'The provider says the token was revoked.',
    fix: 'Create a new token and update the secret; find out why it was revoked (leak detection revokes exposed tokens).',
  },
  'token.sso-required': {
    meaning:
      'The token is valid, but the organisation enforces SAML single sign-on and the token was not authorised for it (GitHub answers 403 with X-GitHub-SSO, or says "Resource protected by organization SAML enforcement" when a proxy dropped that header).',
    fix: 'Open the authorisation URL in the message (valid for one hour), or GitHub → Settings → Tokens → Configure SSO → Authorize for the organisation; then re-run.',
  },
  'token.policy-blocked': {
    meaning:
      "The token is valid, but a policy of the organisation or tenant refused the request: an IP allow list or IP restriction that does not include the runner's address, conditional access, a maximum token lifetime, or a ban on a kind of token (GitHub classic PATs, Azure DevOps global PATs). No scope is missing, and a new token with the same settings is refused the same way.",
    fix: 'Ask an administrator of the organisation to allow the runner (add its IP address to the allow list, or exempt it from the policy), or run the job on a network the policy allows; where the policy limits the token itself (lifetime, kind), use a token that fits it.',
  },
  'token.no-expiry': {
    meaning: 'The provider says the token has no expiry date.',
    fix: 'None needed for the pipeline; consider a token with an expiry date, since one that never expires stays usable if it leaks.',
  },
  'token.anonymous': {
    meaning: 'The organisation allows public access and answered as the anonymous user: the token was not accepted at all.',
    fix: 'The token is invalid, expired or for another organisation: create a new one for this organisation and update the secret.',
  },
  'token.identity': {
    meaning: 'Who the token authenticates as, per the provider.',
    fix: 'None needed; check it is the account you expect.',
  },
  'url.org-not-found': {
    meaning: 'The organisation / collection / host does not exist (404 on the identity endpoint).',
    fix: 'Check the organisation or collection name in the URL (open it in a browser).',
  },
  'url.server-version': {
    meaning: "The server's highest REST API version, read from the server; requests use it.",
    fix: 'None needed.',
  },
  'url.encoded-slash': {
    meaning:
      'A reverse proxy in front of the self-managed GitLab decodes %2F in project paths, so lookups by full path answer 404 although the project exists.',
    fix: 'Make the proxy pass encoded slashes unchanged (nginx: proxy_pass without a URI part; Apache: AllowEncodedSlashes NoDecode), or pass the numeric project id as `project`.',
  },
  // --- online: project ---------------------------------------------------------------------------
  'project.not-found': {
    meaning: 'The project / repository does not exist, or the token cannot see it.',
    fix: "Check the name (the message lists the closest names the token can see) and that the token's user has access.",
  },
  'project.case-mismatch': {
    meaning: 'The project exists but with different casing; later steps that compare names exactly will fail.',
    fix: 'Use the exact casing shown in the message.',
  },
  'project.renamed': {
    meaning: 'The project / repository was renamed or moved; the old name still resolves here but not everywhere.',
    fix: 'Use the new name shown in the message.',
  },
  'project.unavailable': {
    meaning: 'The project exists but is being deleted, created, or is otherwise not usable.',
    fix: 'Use another project, or wait for / undo the operation (Project settings → Overview; deleted projects can be restored for 28 days).',
  },
  'project.archived': {
    meaning: 'The repository or project is archived: it is read-only, so pushes, issues and other writes will fail.',
    fix: 'Unarchive it (repository / project settings) if later steps write to it, or point them at the active repository.',
  },
  // --- online: scopes ----------------------------------------------------------------------------
  'scope.missing': {
    meaning: 'The token lacks a scope / permission the later steps need (the probe for it was denied).',
    fix: 'Edit the token and tick the scope named in the message (or create a new token with it), then update the secret.',
  },
  'scope.verified': {
    meaning: 'A required scope was proven with a read-only request, or with a request documented to write nothing.',
    fix: 'None needed.',
  },
  'scope.unverifiable': {
    meaning:
      'A required scope cannot be proven without writing (what it includes, its read half, was confirmed where possible), or the check stopped before judging it.',
    fix: "Nothing to fix; if in doubt, check the token's scopes in the provider's UI.",
  },
  'scope.granted': {
    meaning: 'The scopes the provider says the token carries, for the record.',
    fix: 'None needed.',
  },
  // --- Microsoft Entra federation (secretless credentials) ---------------------------------------
  'entra.env-incomplete': {
    meaning:
      'Azure Identity variables (AZURE_*) are set but describe no credential: AZURE_CLIENT_ID or AZURE_TENANT_ID is missing, or neither AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH nor AZURE_FEDERATED_TOKEN_FILE is set, or they hold AZURE_USERNAME / AZURE_PASSWORD (a password sign-in, not supported). Nothing was checked.',
    fix: 'Set the variable the message names: AZURE_CLIENT_ID and AZURE_TENANT_ID, plus AZURE_FEDERATED_TOKEN_FILE (workload identity), AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH; or pass an Azure DevOps token.',
  },
  'entra.oidc-unavailable': {
    meaning:
      'The CI platform gave no OIDC token to exchange: GitHub without `permissions: id-token: write` (or a pull request from a fork), an agent without System.OidcRequestUri or the job token, or an unreadable token file.',
    fix: "GitHub: add `permissions: id-token: write` to the workflow or job. Azure Pipelines: reference the service connection in this task's `azureSubscription` input and authorise it for the pipeline.",
  },
  'entra.connection-unauthorized': {
    meaning:
      'The Azure Pipelines OIDC endpoint refused a token for the service connection (404 or 403): no input of this task references it, or the pipeline is not authorised to use it.',
    fix: "Reference the connection in the task's `azureSubscription` input, and allow the pipeline under Project settings → Service connections → the connection → Security → Pipeline permissions.",
  },
  'entra.subject-mismatch': {
    meaning:
      'Microsoft Entra found no federated credential on the app whose subject matches the one the platform presented (AADSTS700213, 70021, 7002137, 7002138; matching is case-sensitive).',
    fix: 'Add a federated credential to the app (or managed identity) with exactly the issuer and subject shown in the message, audience `api://AzureADTokenExchange`.',
  },
  'entra.issuer-mismatch': {
    meaning: 'No federated credential on the app names the issuer of the presented token (AADSTS700211).',
    fix: 'Add a federated credential with exactly the issuer shown in the message, or copy issuer and subject again from the service connection.',
  },
  'entra.audience': {
    meaning: 'The presented token was issued for another audience than the federated credential expects (AADSTS700212).',
    fix: "Request the OIDC token for `api://AzureADTokenExchange` (or set the federated credential's audience to the one shown).",
  },
  'entra.federation-missing': {
    meaning: 'The app has no federated identity credential at all (AADSTS70025).',
    fix: 'In Microsoft Entra ID → App registrations → the app → Certificates & secrets → Federated credentials, add one with the issuer and subject shown.',
  },
  'entra.assertion-invalid': {
    meaning:
      'Microsoft Entra rejected the presented token itself: expired or not yet valid (AADSTS700024), bad signature (700027), or a token type it does not accept for federation.',
    fix: 'Request a fresh OIDC token right before the exchange; check the clock of the machine; present the token exactly as the platform issued it.',
  },
  'entra.tenant-not-found': {
    meaning: 'Microsoft Entra does not know the tenant (AADSTS90002, 900023, 90038): a wrong tenant id, or a tenant in another cloud.',
    fix: "Use the Directory (tenant) ID from the app's overview page, and the authority host of its cloud (`AZURE_AUTHORITY_HOST`).",
  },
  'entra.app-not-found': {
    meaning: 'The tenant has no application with this client id (AADSTS700016): a wrong client id or tenant, or the identity was deleted.',
    fix: 'Use the Application (client) ID from the app registration or managed identity, in the tenant that holds it.',
  },
  'entra.app-disabled': {
    meaning: 'The application is disabled in the tenant (AADSTS7000112, 70001).',
    fix: 'Enable the enterprise application (service principal) in Microsoft Entra ID, or use another identity.',
  },
  'entra.secret-invalid': {
    meaning: "Microsoft Entra rejected the client secret (AADSTS7000215): a wrong value, or the secret's ID pasted instead of its value.",
    fix: 'Create a new client secret and store its Value (shown once), not its Secret ID.',
  },
  'entra.secret-expired': {
    meaning: "The app's client secret has expired (AADSTS7000222).",
    fix: 'Create a new client secret for the app, update the stored secret (or the service connection), and note the new expiry.',
  },
  'entra.certificate': {
    meaning:
      'The certificate credential cannot be used: the PEM lacks the certificate or its private key, the certificate has expired, or Microsoft Entra does not know it for the app (AADSTS700027).',
    fix: "Upload the certificate's public part to the app (Certificates & secrets → Certificates) and give the tool the PEM with both the certificate and its private key; renew it before it expires.",
  },
  'entra.connection-scheme': {
    meaning:
      "The Azure Resource Manager service connection holds no Microsoft Entra credential this tool can present: a managed identity connection (`ManagedServiceIdentity`, token from the agent VM's Instance Metadata Service, not called here), a publish profile (`PublishProfile`, no Entra identity at all) or an unknown scheme. Nothing was checked.",
    fix: 'Use a workload identity federation connection (Project settings → Service connections → the connection → Convert), with the same managed identity or app, or pass an Azure DevOps token.',
  },
  'entra.consent-missing': {
    meaning: 'An administrator has not consented to the app (AADSTS65001), or Azure DevOps is not a resource in the tenant (500011).',
    fix: 'Have a tenant administrator grant consent for the app, and check the tenant is the one connected to the Azure DevOps organisation.',
  },
  'entra.policy-blocked': {
    meaning:
      'Tenant policy blocked the sign-in: Conditional Access (AADSTS53003), workload identity federation restricted (700223, 700238), an identity type that may not use this issuer (70052), or a cross-cloud request (900382).',
    fix: 'Ask the tenant administrator to allow this identity and issuer, or use a single-tenant app or managed identity in the same cloud.',
  },
  'entra.rejected': {
    meaning: 'Microsoft Entra refused the token request for a reason this tool has no specific code for; the message quotes its error.',
    fix: 'Look up the AADSTS code in the message at https://learn.microsoft.com/entra/identity-platform/reference-error-codes and fix the app or request.',
  },
  'entra.issuer-retiring': {
    meaning:
      'The federation relies on the Azure DevOps issuer `https://vstoken.dev.azure.com/{organisation id}` with `sc://` subjects, which Microsoft retires on 2027-07-01 for public-cloud single-tenant apps and managed identities.',
    fix: "Convert the service connection to the Microsoft Entra issuer (Project settings → Service connections → the connection → Convert) and update the app's federated credential to the new issuer and subject.",
  },
  'entra.not-member': {
    meaning: 'Microsoft Entra issued the token, but the service principal is not a member of the Azure DevOps organisation (TF401444).',
    fix: 'Add the service principal to the organisation (Organization settings → Users → Add users, by its name or object id) with Basic access, and to a project group such as Readers.',
  },
  'entra.delegated-scopes': {
    meaning:
      "A delegated Microsoft Entra token's `scp` holds neither `user_impersonation` (the user's full access) nor any Azure DevOps `vso.*` scope: the app was never granted, or never consented to, an Azure DevOps delegated permission. Azure DevOps grants such a token nothing, so it is an error even with `--offline`.",
    fix: 'Add the Azure DevOps delegated permission (`user_impersonation`, or the `vso.*` scopes the steps need) to the app registration under API permissions, grant admin consent, and request the token again.',
  },
  'entra.access-level': {
    meaning:
      'The service principal is a member of the Azure DevOps organisation, but its access level (Stakeholder, or none) cannot read code in private projects; Azure DevOps refuses those reads.',
    fix: 'Organization settings → Users → the service principal → Change access level → Basic.',
  },
  'entra.info': {
    meaning:
      'How the Azure DevOps token was obtained from Microsoft Entra (client id, tenant, issuer and subject presented), for the record.',
    fix: 'None needed.',
  },
  // --- network -------------------------------------------------------------------------------------
  'network.unreachable': {
    meaning: 'The provider could not be reached (DNS, connection refused or reset). Nothing is known about the token.',
    fix: "Check the URL's host, the runner's network and proxy settings (HTTPS_PROXY / NO_PROXY, or the agent proxy).",
  },
  'network.timeout': {
    meaning: 'The provider did not answer in time. Nothing is known about the token.',
    fix: 'Retry; if it persists, check proxies and firewalls between the runner and the host.',
  },
  'network.tls': {
    meaning: 'The TLS connection failed (unknown CA, wrong host name, expired certificate). Nothing is known about the token.',
    fix: "Trust the server's CA: NODE_EXTRA_CA_CERTS=/path/ca.pem (GitHub/CLI) or the agent's --sslcacert (Azure); check the host name.",
  },
  'network.proxy': {
    meaning: 'The proxy refused the connection or demanded authentication (407).',
    fix: "Check the proxy URL and its credentials (HTTPS_PROXY=http://user:pass@proxy:port, or the agent's proxy settings) and NO_PROXY.",
  },
  'network.rate-limited': {
    meaning: 'The provider kept answering 429 (rate limited) beyond the retries and waiting this check allows.',
    fix: 'Retry later; reduce parallel jobs using the same identity.',
  },
  'network.unexpected-response': {
    meaning:
      "The provider (or something in between) answered with an error or a response that is not the API's (5xx, HTML portal page, truncated JSON).",
    fix: 'Retry; if it persists, check the URL points at the API and no proxy rewrites responses.',
  },
  // --- configuration ---------------------------------------------------------------------------
  'config.invalid': {
    meaning: 'An input has a value the tool does not accept (unknown provider, non-numeric threshold...).',
    fix: 'Correct the input as the message says.',
  },
  'config.username': {
    meaning: 'The user name does not fit the token (Bitbucket: API tokens need the Atlassian e-mail, app passwords the user name).',
    fix: 'Set `username` as the message says.',
  },
  'config.file': {
    meaning: 'The credentials file (`config`) cannot be read, is not valid YAML, or does not have the documented shape.',
    fix: `Correct the file as the message says (the path, the line, the field); see ${docsUrl('config.md')}.`,
  },
  'project.info': {
    meaning: 'A note about how the project / repository name was read.',
    fix: 'None needed, or pass `project` explicitly.',
  },
  'scope.unknown': {
    meaning:
      "A required scope is not one this provider knows (a typo, or another provider's scope; the message names that provider and the closest scope of this one).",
    fix: `Use a scope id from ${docsUrl('scopes.md')} (e.g. \`vso.code\`, "Code: Read", \`repo\`, \`read_api\`).`,
  },
  'online.skipped': {
    meaning: 'Online checks were not run (offline mode, or the offline stage already found a fatal problem).',
    fix: 'Run without `offline` to check identity, project, scopes and expiry against the provider.',
  },
  'online.unavailable': {
    meaning: 'This version has no online checks for this provider yet; only offline checks ran.',
    fix: 'Nothing to do; the result covers the token and URL shape only.',
  },
} as const satisfies Record<string, CodeDoc>;

export type FindingCode = keyof typeof CODES;

export const ALL_CODES = Object.keys(CODES) as FindingCode[];

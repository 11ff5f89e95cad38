/** Every sentence the Azure DevOps online findings say, and the exact fixes they point to. */
import type { HttpOutcome } from '../../http/client.js';
import { finding, type Finding } from '../../report.js';
import {
  caseMismatch,
  closestNamesSentence,
  describeProblem,
  noVerdict as sharedNoVerdict,
  policyBlocked as sharedPolicyBlocked,
  type Verdict,
} from '../online/index.js';
import type { TokenAnalysis } from '../types.js';
import {
  proofScopeOf,
  unprobeable,
  type AdoPolicy,
  type AzureDevOpsTarget,
  type IdentityAnswer,
  type ProbeWhere,
  type Unproven,
} from './interpret.js';
import { azureDevOpsScopeById, type AzureDevOpsScope } from './scopes.js';
import { AZURE_DEVOPS_RESOURCE_ID, GLOBAL_PAT_END } from './tokens.js';

export const NAME = 'Azure DevOps';
/** How every scope is verified here (the `scope.verified` note names it). */
export const VERIFIED_HOW = 'read-only request';
/** How a scope was verified: a GET, or a request documented to write nothing. */
export const verifiedHow = (s: AzureDevOpsScope): string =>
  s.probe?.write ? `request that writes nothing (${s.probe.write.noWrite}=true)` : VERIFIED_HOW;
const PAT_SETTINGS = 'User settings → Personal access tokens';
const tickHint = (checkbox: string): string => `Edit the PAT and tick ${checkbox}, then update the secret.`;

/** An answer that says nothing about the token (`context`: which request, or what was odd about it). */
export const noVerdict = (r: HttpOutcome, context?: string): Finding => sharedNoVerdict(r, NAME, context);

// --- identity -------------------------------------------------------------------------------------

/** The global PAT end in the tense of `now`: a plain 401 after it is most likely that. */
const globalPatEnd = (now: Date): string =>
  now.getTime() >= Date.parse(GLOBAL_PAT_END) ? `those stopped working on ${GLOBAL_PAT_END}` : `those stop working on ${GLOBAL_PAT_END}`;

function rejectionCauses(t: AzureDevOpsTarget, token: TokenAnalysis, now: Date): string[] {
  if (token.kind.startsWith('azure-devops.pat')) {
    return [
      'the PAT was revoked, regenerated or mistyped',
      'it was created for another organisation (a PAT works only in the organisations chosen when it was created)',
      `it is a global ("all accessible organizations") PAT: ${globalPatEnd(now)}`,
      'its user was disabled or removed, or it was unused for 90 days (Entra-backed organisations)',
      ...(t.services ? [] : ['the server has IIS Basic authentication enabled, which disables PAT authentication']),
    ];
  }
  if (token.kind === 'azure-devops.system-access-token') {
    return [
      'the job token expired (it lives as long as the job)',
      "the pipeline's job authorization scope does not include this organisation/project",
    ];
  }
  return ['the Entra token expired or was issued for another resource or tenant', 'the identity is not a member of this organisation'];
}

function rejected(t: AzureDevOpsTarget, token: TokenAnalysis, detail: string, now: Date): Finding {
  const causes = rejectionCauses(t, token, now).map((c, i) => `(${i + 1}) ${c}`);
  const where = t.services ? `https://dev.azure.com/${t.org}/_usersSettings/tokens` : PAT_SETTINGS;
  return finding(
    'token.rejected',
    'error',
    `Azure DevOps rejected the credential (${detail}). Likely causes, most likely first: ${causes.join('; ')}.`,
    token.kind.startsWith('azure-devops.pat')
      ? `Create a new PAT in ${where} with this organisation selected, and update the secret.`
      : `Acquire a fresh token for resource ${AZURE_DEVOPS_RESOURCE_ID} and check the identity is a member of the organisation.`,
  );
}

const POLICY_WORDS: Record<AdoPolicy, string> = {
  'conditional-access':
    "the organisation's Microsoft Entra conditional access policy (which includes IP address conditions) does not allow this request from where the runner is",
  'pat-policy': 'an organisation policy on personal access tokens does not allow this token',
};

const POLICY_FIX: Record<AdoPolicy, string> = {
  'conditional-access':
    "Ask the Microsoft Entra or Azure DevOps administrator to allow the runner's network (add its outbound IP address to the named locations the policy trusts, or exempt the identity), or run the job on an agent inside an allowed network; the token itself is fine.",
  'pat-policy':
    'Ask a Project Collection Administrator which PATs the policy allows (Organization settings → Policies; tenant-wide PAT policies are under Microsoft Entra) and use one that fits it, such as a PAT for this organisation only with only the scopes needed.',
};

/** A policy, not the token, refused `what`. */
export const policyBlocked = (policy: AdoPolicy, said: string, what: string): Finding =>
  sharedPolicyBlocked({ provider: NAME, what, policy: POLICY_WORDS[policy], said, fix: POLICY_FIX[policy] });

/** A global PAT named as the reason it was refused: retired on GLOBAL_PAT_END. */
export const globalPatRetired = (t: AzureDevOpsTarget): Finding =>
  finding(
    'token.retired',
    'error',
    `Azure DevOps refused the token as a global ("all accessible organizations") PAT; global PATs stopped working on ${GLOBAL_PAT_END}.`,
    `Create a PAT for the organisation "${t.org}" alone (${t.services ? `https://dev.azure.com/${t.org}/_usersSettings/tokens` : PAT_SETTINGS}, Organization: ${t.org}) with the scopes the pipeline needs, and update the secret; tools that call organisation-less APIs need Microsoft Entra tokens instead.`,
  );

const TROUBLE_ABOUT = { 'not-json': 'identity', 'no-user': 'the identity response has no authenticated user' } as const;

/** The one finding the identity request ends with: who the token is, or why it is not. */
export function identityFinding(answer: IdentityAnswer, r: HttpOutcome, t: AzureDevOpsTarget, token: TokenAnalysis, now: Date): Finding {
  switch (answer.kind) {
    case 'user':
      return finding('token.identity', 'info', `Authenticated as ${answer.identity.name} (${answer.identity.id}).`);
    case 'anonymous':
      return finding(
        'token.anonymous',
        'error',
        'The organisation allows public access and answered as the anonymous user: the token was not accepted (invalid, expired, revoked or for another organisation).',
        'Create a new PAT for this organisation and update the secret.',
      );
    case 'sign-in-page':
      return rejected(t, token, 'it answered 203 with a sign-in page instead of data', now);
    case 'expired':
      return finding(
        'token.expired',
        'error',
        'Azure DevOps says the token has expired.',
        `Regenerate the PAT (${PAT_SETTINGS} → Regenerate) or create a new one, and update the secret.`,
      );
    case 'revoked':
      return finding(
        'token.revoked',
        'error',
        'Azure DevOps says the token was revoked.',
        `Create a new PAT in ${PAT_SETTINGS} with this organisation selected and update the secret; find out why it was revoked (Azure DevOps revokes PATs found in public repositories).`,
      );
    case 'policy':
      return policyBlocked(answer.policy, answer.said, 'the identity request');
    case 'global-pat':
      return globalPatRetired(t);
    case 'rejected':
      return rejected(t, token, `401${answer.typeKey ? ` ${answer.typeKey}` : ''}`, now);
    case 'not-member':
      return finding(
        'entra.not-member',
        'error',
        `Azure DevOps accepted the Entra token but the identity${answer.principal ? ` ${answer.principal}` : ''} is not a member of the organisation "${t.org}" (TF401444).`,
        `Add the service principal in https://dev.azure.com/${t.org}/_settings/users (Add users, by its name or object id) with Basic access, and to a project group such as Readers.`,
      );
    case 'org-not-found':
      return t.services
        ? finding(
            'url.org-not-found',
            'error',
            `The organisation "${t.org}" does not exist on Azure DevOps Services (404).`,
            'Check the organisation name in the URL (https://dev.azure.com/{organisation}).',
          )
        : finding(
            'url.org-not-found',
            'error',
            `The collection at ${t.base} was not found (404).`,
            'Check the collection name (the default is DefaultCollection) and whether the server uses a /tfs prefix.',
          );
    case 'trouble':
      return noVerdict(r, answer.problem ? describeProblem(answer.problem) : answer.about && TROUBLE_ABOUT[answer.about]);
  }
}

export const serverVersion = (ceiling: string, version: string): Finding =>
  finding('url.server-version', 'info', `The server supports REST API versions up to ${ceiling}; using ${version}.`);

// --- project --------------------------------------------------------------------------------------

export function projectUnavailable(name: string, state: string): Finding {
  const deleting = state === 'deleting' || state === 'deleted';
  return finding(
    'project.unavailable',
    'error',
    `The project "${name}" is in state "${state}"${deleting ? ': it is being deleted' : ''}, so later steps cannot use it.`,
    deleting
      ? 'Restore it (Organization settings → Projects → Recently deleted) or use another project.'
      : 'Wait until the project is ready, or use another project.',
  );
}

export const projectCaseMismatch = (name: string, requested: string): Finding =>
  caseMismatch({ provider: NAME, what: 'project', stored: name, requested });

export const projectRenamed = (requested: string, now: string): Finding =>
  finding(
    'project.renamed',
    'error',
    `The project "${requested}" was renamed to "${now}"; later steps that use the old name will fail.`,
    `Use "${now}".`,
  );

export const projectsUnreadable = (): Finding =>
  finding(
    'scope.missing',
    'error',
    'The token cannot read projects (401 on the project lookup): it lacks "Project and Team: Read".',
    tickHint('Project and Team → Read'),
  );

/** `near`: the closest names the token can see; `seesAny`: whether it can see any project at all. */
export function projectNotFound(requested: string, ambiguous: boolean, near: readonly string[], seesAny: boolean): Finding {
  const hidden = ambiguous ? ', or the token has no permission to see it' : '';
  const seen = near.length || seesAny ? closestNamesSentence(near) : ' The token can see no projects.';
  return finding(
    'project.not-found',
    'error',
    `The project "${requested}" does not exist${hidden}.${seen}`,
    near.length
      ? `Use the exact project name, e.g. "${near[0]}".`
      : "Check the project name, and that the token's user is a member of the project.",
  );
}

// --- scopes ---------------------------------------------------------------------------------------

const UNPROVEN: Record<Exclude<Unproven, 'write-half' | 'no-probe'>, string> = {
  'needs-project': 'its probe needs a project: pass `project`',
  'project-not-found': 'the project was not found',
  'services-only':
    'its probe exists only on Azure DevOps Services (its host, or the api-version 7.2 it is documented at, is not on Server)',
  refused: 'Azure DevOps refused its probe with 403, which is a permission, policy or plan refusal, not a missing scope (that is a 401)',
  policy: 'an organisation policy blocked its probe, so the probe proves nothing about the scope',
  'orgless-host':
    'its probe runs on app.vssps.visualstudio.com, which has no organisation and refuses organisation-scoped PATs whatever their scopes, so its refusal proves nothing',
  unclear: 'its probe gave no clear answer',
};

/** Why a scope without a probe of its own stays unproven, in words. */
function noProbeReason(s: AzureDevOpsScope): string {
  const included = s.includes ? azureDevOpsScopeById(s.includes) : undefined;
  return s.unprovable ?? included?.unprovable ?? 'no read-only request proves it';
}

/** A scope proven only through one it includes: why it is not proven itself, and what the token was proven to have. */
function partlyProven(s: AzureDevOpsScope, proof: AzureDevOpsScope, where: ProbeWhere): Finding {
  const own = unprobeable(s, where);
  const why =
    own === 'no-probe'
      ? `cannot be proven without writing${s.unprovable ? `: ${s.unprovable}` : ''}`
      : `was not proven: ${UNPROVEN[own as keyof typeof UNPROVEN]}`;
  return finding(
    'scope.unverifiable',
    'warning',
    `${s.id} (${s.portal}) ${why}; what it includes, ${proof.id} (${proof.portal}), is confirmed.`,
    own === 'needs-project'
      ? 'Pass `project` to prove it with a request that writes nothing.'
      : `Nothing to fix; if in doubt, check the PAT's scopes in ${PAT_SETTINGS}.`,
  );
}

/** The finding for a required scope that was not verified (`where`: whether a project was given, Services or Server). */
export function scopeFinding(s: AzureDevOpsScope, v: Exclude<Verdict, { kind: 'verified' }>, where: ProbeWhere): Finding {
  const proof = proofScopeOf(s, where);
  if (v.kind === 'missing') {
    const tick = proof === s ? s.portal : `${s.portal} (it includes ${proof!.portal})`;
    const kind = proof!.probe!.write ? 'no-write' : 'read-only';
    return finding(
      'scope.missing',
      'error',
      `The token lacks ${s.id}: the ${kind} probe for ${proof!.portal} was denied.`,
      tickHint(`"${tick}"`),
    );
  }
  if (v.why === 'write-half') return partlyProven(s, proof!, where);
  const why = v.why === 'no-probe' ? noProbeReason(s) : UNPROVEN[v.why as keyof typeof UNPROVEN];
  return finding(
    'scope.unverifiable',
    'warning',
    `${s.id} (${s.portal}) could not be verified: ${why}.`,
    'Nothing to fix here; verify the scope in the PAT settings if later steps fail.',
  );
}

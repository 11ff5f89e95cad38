/**
 * Who a Microsoft Entra access token speaks for, read from its claims (never verified): a user
 * through a delegated app (`scp`), an application on its own (`idtyp app`), or an Entra Agent ID
 * identity (`xms_act_fct` / `xms_sub_fct` facets). Claims:
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference and
 * https://learn.microsoft.com/entra/agent-id/agent-token-claims (facet 11 AgentIdentity, 13 AgentIDUser).
 */
import { claimString } from '../jwt.js';

export type EntraIdentityKind = 'delegated' | 'application' | 'agent-identity' | 'agent-on-behalf' | 'agent-user';

export interface AccessClaims {
  kind: EntraIdentityKind;
  /** `scp`, split on spaces; undefined when the claim is absent. */
  scp: string[] | undefined;
}

const AGENT_IDENTITY = 11;
const AGENT_USER = 13;

/** A facet claim: space-separated integers in any order (also accepted as a number or an array). */
export function facets(payload: Record<string, unknown>, name: string): number[] {
  const v = Object.hasOwn(payload, name) ? payload[name] : undefined;
  let items: unknown[] = [];
  if (Array.isArray(v)) items = v;
  else if (typeof v === 'string') items = v.split(/\s+/);
  else if (typeof v === 'number') items = [v];
  return items.map((x) => Number(x)).filter((n) => Number.isInteger(n));
}

function scopesOf(payload: Record<string, unknown>): string[] | undefined {
  const scp = claimString(payload, 'scp');
  return scp === undefined ? undefined : scp.split(/\s+/).filter((s) => s !== '' && s !== '/');
}

export function readAccessClaims(payload: Record<string, unknown>): AccessClaims {
  const idtyp = claimString(payload, 'idtyp')?.toLowerCase();
  const act = facets(payload, 'xms_act_fct');
  const sub = facets(payload, 'xms_sub_fct');
  const scp = scopesOf(payload);
  const userName = claimString(payload, 'upn') ?? claimString(payload, 'unique_name') ?? claimString(payload, 'preferred_username');
  const kind = ((): EntraIdentityKind => {
    if (sub.includes(AGENT_USER)) return 'agent-user';
    if (idtyp === 'app') return act.includes(AGENT_IDENTITY) || sub.includes(AGENT_IDENTITY) ? 'agent-identity' : 'application';
    if (act.includes(AGENT_IDENTITY)) return 'agent-on-behalf';
    // `idtyp` is optional: without it, no scp and no user name means an app-only token.
    if (idtyp !== 'user' && scp === undefined && !userName && (claimString(payload, 'appid') ?? claimString(payload, 'azp')))
      return 'application';
    return 'delegated';
  })();
  return { kind, scp };
}

/** Whether the kind acts for a user (its access is limited by `scp`). */
export const isDelegated = (kind: EntraIdentityKind): boolean =>
  kind === 'delegated' || kind === 'agent-on-behalf' || kind === 'agent-user';

/** How the report names the kind. */
export const IDENTITY_KIND_TEXT: Readonly<Record<EntraIdentityKind, string>> = {
  delegated: 'delegated (user) token',
  application: 'application token (idtyp app: the app acts as itself, no user)',
  // After "Microsoft Entra" (the product is "Microsoft Entra Agent ID"): not "Entra" twice.
  'agent-identity': 'Agent ID token: an agent identity acting on its own (idtyp app, agent facet 11)',
  'agent-on-behalf': 'Agent ID token: an agent identity acting on behalf of a user (agent facet 11 in xms_act_fct)',
  'agent-user': "Agent ID token: an agent's own user account (agent facet 13 in xms_sub_fct)",
};

/** How the report names the token's kind, after "Microsoft Entra": a claim is quoted only when the token has it. */
export function identityKindText(kind: EntraIdentityKind, payload: Record<string, unknown>): string {
  if (kind === 'application' && claimString(payload, 'idtyp') === undefined)
    return 'application token (no idtyp claim, but no user and no scp: the app acts as itself)';
  return IDENTITY_KIND_TEXT[kind];
}

/** The token's label on the report's Token line. */
export const IDENTITY_KIND_LABEL: Readonly<Record<EntraIdentityKind, string>> = {
  delegated: 'Microsoft Entra access token (delegated, for a user)',
  application: 'Microsoft Entra access token (application)',
  'agent-identity': 'Microsoft Entra Agent ID token (agent identity)',
  'agent-on-behalf': 'Microsoft Entra Agent ID token (agent acting for a user)',
  'agent-user': "Microsoft Entra Agent ID token (agent's user account)",
};

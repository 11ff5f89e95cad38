/**
 * What the presented federated token says about itself: issuer, subject, audience. Decoded only
 * (never verified, never printed): these three values are what Entra matches against the app's
 * federated credentials, case-sensitively.
 */
import { claimDate, claimString, decodeJwt } from '../jwt.js';

export type IssuerKind = 'github' | 'azure-devops' | 'entra' | 'other';

export interface AssertionClaims {
  iss: string | undefined;
  sub: string | undefined;
  aud: string[];
  exp: Date | undefined;
  issuerKind: IssuerKind;
}

/**
 * GitHub: token.actions.githubusercontent.com (and …/{enterprise}, data-residency token.actions.*.ghe.com,
 * GHES https://HOST/_services/token). Azure DevOps (retiring): vstoken.dev.azure.com/{orgId} and
 * app.vstoken.visualstudio.com. Entra-issued connection tokens: login.microsoftonline.com/{tid}/v2.0.
 */
export function issuerKind(iss: string | undefined): IssuerKind {
  if (!iss) return 'other';
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    return 'other';
  }
  const host = url.hostname.toLowerCase();
  if (host.startsWith('token.actions.') || url.pathname.startsWith('/_services/token')) return 'github';
  if (host === 'vstoken.dev.azure.com' || host === 'app.vstoken.visualstudio.com') return 'azure-devops';
  if (host.startsWith('login.')) return 'entra';
  return 'other';
}

export function readAssertionClaims(token: string): AssertionClaims | undefined {
  const jwt = decodeJwt(token.trim());
  if (!jwt) return undefined;
  const p = jwt.payload;
  const rawAud = p['aud'];
  const aud = typeof rawAud === 'string' ? [rawAud] : Array.isArray(rawAud) ? rawAud.filter((a): a is string => typeof a === 'string') : [];
  const iss = claimString(p, 'iss');
  return { iss, sub: claimString(p, 'sub'), aud, exp: claimDate(p, 'exp'), issuerKind: issuerKind(iss) };
}

/**
 * The client-credentials token request to Microsoft Entra ID (v2.0 endpoint), with a client secret or
 * a federated token as client assertion, for the Azure DevOps resource. Protocol:
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
import type { HttpClient } from '../http/client.js';
import type { HttpFailure } from '../http/client.js';
import { AZURE_DEVOPS_SCOPE } from '../providers/azure-devops/tokens.js';
import type { EntraCredential } from './source.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenRequest {
  url: string;
  body: string;
}

/** The v2.0 token endpoint of the credential's tenant (also the `aud` of a certificate-signed assertion). */
export function tokenUrl(credential: EntraCredential): string {
  return `${credential.authorityHost}/${encodeURIComponent(credential.tenantId)}/oauth2/v2.0/token`;
}

/** The token endpoint and form body; the secret or assertion travels only in this body. */
export function buildTokenRequest(credential: EntraCredential, assertion: string | undefined): TokenRequest {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, scope: AZURE_DEVOPS_SCOPE });
  if (assertion !== undefined) {
    form.set('client_assertion_type', JWT_BEARER);
    form.set('client_assertion', assertion);
  } else if (credential.secret !== undefined) {
    form.set('client_secret', credential.secret);
  }
  return { url: tokenUrl(credential), body: form.toString() };
}

/** Entra's error answer: `error`, `error_description` ("AADSTS…: …"), `error_codes`. */
export interface EntraError {
  status: number;
  error: string;
  code: number | undefined;
  /** The description's first line (without Trace ID / Correlation ID / Timestamp). */
  description: string;
}

export type ExchangeResult =
  { kind: 'token'; token: string; expiresIn: number | undefined } | { kind: 'error'; error: EntraError } | HttpFailure;

function readError(status: number, json: Record<string, unknown> | undefined, body: string): EntraError {
  const description = typeof json?.['error_description'] === 'string' ? json['error_description'] : '';
  const codes = Array.isArray(json?.['error_codes']) ? json['error_codes'] : [];
  const first = codes.find((c): c is number => typeof c === 'number');
  const fromText = /AADSTS(\d+)/.exec(description || body)?.[1];
  return {
    status,
    error: typeof json?.['error'] === 'string' ? json['error'] : '',
    code: first ?? (fromText ? Number(fromText) : undefined),
    description: description.split(/\r?\n/)[0]!.trim(),
  };
}

export async function exchange(http: HttpClient, request: TokenRequest): Promise<ExchangeResult> {
  const r = await http.post(request.url, request.body, { 'content-type': 'application/x-www-form-urlencoded' });
  if (r.kind === 'network') return r;
  const json = r.isJson ? (r.json as Record<string, unknown>) : undefined;
  const token = json?.['access_token'];
  if (r.status === 200 && typeof token === 'string' && token.length > 0) {
    const expiresIn = Number(json?.['expires_in']);
    return { kind: 'token', token, expiresIn: Number.isFinite(expiresIn) ? expiresIn : undefined };
  }
  if (r.status >= 400 && r.status < 500 && json) return { kind: 'error', error: readError(r.status, json, r.body) };
  return { kind: 'network', code: 'network.unexpected-response', detail: `token endpoint answered ${r.status}`, url: r.url };
}

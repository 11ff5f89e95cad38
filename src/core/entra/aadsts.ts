/**
 * Which link of the chain an AADSTS error names. Microsoft's table:
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes ; the federation ones:
 * https://learn.microsoft.com/azure/devops/pipelines/release/troubleshoot-workload-identity
 * Codes are matched on `error_codes` (the description text may change, Microsoft says).
 */
import type { FindingCode } from '../codes.js';

const BY_AADSTS: Record<number, FindingCode> = {
  70021: 'entra.subject-mismatch',
  700213: 'entra.subject-mismatch',
  7002137: 'entra.subject-mismatch',
  7002138: 'entra.subject-mismatch',
  700211: 'entra.issuer-mismatch',
  700212: 'entra.audience',
  70025: 'entra.federation-missing',
  700024: 'entra.assertion-invalid',
  700027: 'entra.assertion-invalid',
  700229: 'entra.assertion-invalid',
  700222: 'entra.assertion-invalid',
  90002: 'entra.tenant-not-found',
  900023: 'entra.tenant-not-found',
  90038: 'entra.tenant-not-found',
  700016: 'entra.app-not-found',
  7000112: 'entra.app-disabled',
  70001: 'entra.app-disabled',
  7000215: 'entra.secret-invalid',
  7000222: 'entra.secret-expired',
  65001: 'entra.consent-missing',
  500011: 'entra.consent-missing',
  53003: 'entra.policy-blocked',
  530035: 'entra.policy-blocked',
  700223: 'entra.policy-blocked',
  700238: 'entra.policy-blocked',
  70052: 'entra.policy-blocked',
  900382: 'entra.policy-blocked',
};

/** The finding code for an AADSTS number; `entra.rejected` for any other. */
export function codeForAadsts(code: number | undefined): FindingCode {
  return (code !== undefined ? BY_AADSTS[code] : undefined) ?? 'entra.rejected';
}

/** 7002138: the subject matched only case-insensitively (Entra compares case-sensitively). */
export const CASE_ONLY_SUBJECT = 7002138;

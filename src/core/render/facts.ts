/** The at-a-glance facts every renderer shows, computed once so all front ends agree. */
import { PROVIDER_MODULES } from '../providers/registry.js';
import { isNetworkCode, type Report } from '../report.js';

export interface FactRow {
  label: string;
  value: string;
}

/** The provider answered that the token has expired, while the token itself still looked in date. */
function expiredByProvider(report: Report): string | undefined {
  if (!report.findings.some((f) => f.code === 'token.expired')) return undefined;
  if (report.daysRemaining !== null && report.daysRemaining < 0) return undefined; // the date already says so
  return report.provider ? `expired (${PROVIDER_MODULES[report.provider].displayName} says so)` : 'expired';
}

/** The provider said the token has no expiry (`token.no-expiry`, never added for a refused token). */
function neverExpires(report: Report): string | undefined {
  if (!report.findings.some((f) => f.code === 'token.no-expiry')) return undefined;
  return `never (${report.provider ? PROVIDER_MODULES[report.provider].displayName : 'the provider'} sends no expiry for this token)`;
}

/** Why the expiry is unknown: offline mode, online checks skipped or unavailable, the provider not reached, or silent. */
function unknownExpiry(report: Report): string {
  if (!report.tokenKind) return '—';
  const skipped = report.findings.find((f) => f.code === 'online.skipped');
  // online.skipped says either "Offline mode: …" or why the online checks did not run (preflight.ts).
  if (skipped && /^Offline mode/.test(skipped.message)) return 'unknown (not readable offline)';
  if (skipped) return 'unknown (not checked: the online checks were skipped because of the errors reported)';
  if (report.findings.some((f) => f.code === 'online.unavailable')) return 'unknown (not checked: no online check for this provider)';
  if (report.findings.some((f) => isNetworkCode(f.code))) return 'unknown';
  return neverExpires(report) ?? 'unknown (not reported by the provider)';
}

export function expiryText(report: Report): string {
  const expired = expiredByProvider(report);
  if (expired) return expired;
  if (!report.expiresAt) return unknownExpiry(report);
  const date = report.expiresAt.slice(0, 10);
  const days = report.daysRemaining ?? 0;
  const rel = days < 0 || report.daysRemaining === null ? 'expired' : `${days} day${days === 1 ? '' : 's'} left`;
  return report.expirySource === 'upper-bound' ? `by ${date} at the latest (${rel})` : `${date} (${rel})`;
}

/** Days to expiry in a few characters: "364 days", "by 2027-11-30: ≤364 days", "expired", "unknown". */
export function daysText(report: Report): string {
  if (expiredByProvider(report)) return 'expired';
  if (!report.expiresAt) return report.tokenKind ? (neverExpires(report) ? 'never' : 'unknown') : '—';
  if (report.daysRemaining === null || report.daysRemaining < 0) return `expired ${report.expiresAt.slice(0, 10)}`;
  const d = report.daysRemaining;
  return `${report.expirySource === 'upper-bound' ? '≤ ' : ''}${d} day${d === 1 ? '' : 's'}`;
}

export function identityText(report: Report): string {
  return report.identity ? report.identity.name : 'not checked';
}

export function projectText(report: Report): string {
  const p = report.project;
  if (!p.requested) return '—';
  return p.canonical && p.canonical !== p.requested ? `${p.requested} → exists as ${p.canonical}` : p.requested;
}

/** Each required scope with its verdict: ✓ proven, ✗ missing, ? cannot be proven read-only. */
export function scopesText(
  report: Report,
  marks: { ok: string; missing: string; unknown: string } = { ok: '✓', missing: '✗', unknown: '?' },
): string {
  const s = report.scopes;
  if (s.required.length === 0) return '—';
  const mark = (scope: string): string =>
    s.missing.includes(scope) ? marks.missing : s.verified.includes(scope) ? marks.ok : marks.unknown;
  return s.required.map((scope) => `${scope} ${mark(scope)}`).join(', ');
}

export function factRows(report: Report): FactRow[] {
  const rows: FactRow[] = [];
  rows.push({ label: 'Provider', value: report.provider ? PROVIDER_MODULES[report.provider].displayName : 'not detected' });
  rows.push({ label: 'Token', value: report.tokenLabel ?? '—' });
  rows.push({ label: 'URL', value: report.url.normalized ?? report.url.input ?? '—' });
  rows.push({ label: 'Identity', value: identityText(report) });
  rows.push({ label: 'Project', value: projectText(report) });
  const s = report.scopes;
  if (s.required.length > 0) {
    const parts = [`required: ${s.required.join(', ')}`];
    if (s.verified.length) parts.push(`verified: ${s.verified.join(', ')}`);
    if (s.missing.length) parts.push(`missing: ${s.missing.join(', ')}`);
    if (s.unverifiable.length) parts.push(`unverifiable: ${s.unverifiable.join(', ')}`);
    rows.push({ label: 'Scopes', value: parts.join('; ') });
  }
  rows.push({ label: 'Expires', value: expiryText(report) });
  return rows;
}

/** The at-a-glance rows every renderer shows, computed once so all front ends agree. */
import { PROVIDER_MODULES } from '../providers/registry.js';
import type { Report } from '../report.js';

export interface FactRow {
  label: string;
  value: string;
}

export function expiryText(report: Report): string {
  if (!report.expiresAt) return report.tokenKind ? 'unknown (not readable offline)' : '—';
  const date = report.expiresAt.slice(0, 10);
  const days = report.daysRemaining ?? 0;
  const rel = days < 0 ? 'expired' : `${days} day(s) left`;
  return report.expirySource === 'upper-bound' ? `by ${date} at the latest (${rel})` : `${date} (${rel})`;
}

export function factRows(report: Report): FactRow[] {
  const rows: FactRow[] = [];
  rows.push({ label: 'Provider', value: report.provider ? PROVIDER_MODULES[report.provider].displayName : 'not detected' });
  rows.push({ label: 'Token', value: report.tokenLabel ?? '—' });
  rows.push({ label: 'URL', value: report.url.normalized ?? report.url.input ?? '—' });
  rows.push({ label: 'Identity', value: report.identity ? report.identity.name : 'not checked' });
  const p = report.project;
  rows.push({ label: 'Project', value: p.requested ? (p.canonical && p.canonical !== p.requested ? `${p.requested} → exists as ${p.canonical}` : p.requested) : '—' });
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

/**
 * The request log line. Its own module so that the adapters can format log lines without loading the
 * HTTP client (and undici with it): an offline check loads no network stack.
 */
export interface HttpLogEntry {
  method: string;
  host: string;
  path: string;
  status?: number;
  ms: number;
  attempt?: number;
  note?: string;
}

/** One debug line: `GET dev.azure.com/fabrikam/_apis/connectionData → 200 (41 ms)`. No headers, no query. */
export function formatLogEntry(e: HttpLogEntry): string {
  const result = e.status !== undefined ? String(e.status) : 'no response';
  return `credential-preflight: ${e.method} ${e.host}${e.path} → ${result} (${e.ms} ms)${e.attempt ? ` attempt ${e.attempt}` : ''}${e.note ? ` — ${e.note}` : ''}`;
}

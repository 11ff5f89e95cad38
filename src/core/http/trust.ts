/**
 * The TLS trust of every connection of one check, for both clients that make them: undici's transport
 * (transport.ts) and the first wave through Node's own HTTPS client (first-wave.ts). Without extra CAs
 * nothing is passed (Node's default secure context: its roots plus NODE_EXTRA_CA_CERTS). With extra
 * PEMs (the Azure agent's CA file) one secure context holds the system roots and them: a given `ca`
 * replaces the default store, and given as a `ca` list Node would parse the ~140 roots again for each
 * connection (about 80 ms of CPU each; measured by npm run bench). The context is built once per list
 * of PEMs, so the first wave and the transport created after it share it.
 *
 * Free of undici and of a static `node:tls` import (the caller passes the module): the first wave
 * sits in index.js, and an offline check loads no TLS module.
 */
import type * as Tls from 'node:tls';

const contexts = new WeakMap<readonly string[], Tls.SecureContext>();

export function trustOptions(tls: typeof Tls, extraCaPems: readonly string[] | undefined): { secureContext?: Tls.SecureContext } {
  if (!extraCaPems?.length) return {};
  let secureContext = contexts.get(extraCaPems);
  if (!secureContext) {
    secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extraCaPems] });
    contexts.set(extraCaPems, secureContext);
  }
  return { secureContext };
}

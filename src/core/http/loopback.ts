/** Loopback hosts: the one place a credential may travel without TLS. Free of undici, so URL checks load no network stack. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

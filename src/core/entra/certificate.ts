/**
 * A certificate credential: a client assertion JWT signed with the app's private key, naming the
 * certificate by its SHA-1 thumbprint (`x5t`). Claims and header as Microsoft documents them:
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
import { createHash, createPrivateKey, createSign, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import type { Finding } from '../report.js';
import { tokenUrl } from './exchange.js';
import { certificateExpired, certificateUnusable } from './messages.js';
import type { EntraCredential } from './source.js';

export interface CertificateMaterial {
  /** The certificate as PEM (the first CERTIFICATE block of the file or parameter). */
  certPem: string;
  key: KeyObject;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const KEY_BLOCK = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** The certificate and private key from one PEM text, or why they cannot be used (never the key itself). */
export function readCertificatePem(pem: string, password?: string): CertificateMaterial | string {
  const cert = CERT_BLOCK.exec(pem)?.[0];
  const keyPem = KEY_BLOCK.exec(pem)?.[0];
  if (!cert || !keyPem) return 'it must be PEM holding both the certificate and its private key';
  try {
    new X509Certificate(cert);
  } catch {
    return 'its certificate block does not parse';
  }
  try {
    return { certPem: cert, key: createPrivateKey(password ? { key: keyPem, passphrase: password } : keyPem) };
  } catch {
    return password
      ? 'its private key does not open with the given password'
      : 'its private key does not parse (encrypted without a password?)';
  }
}

/** The certificate's validity, for a finding before Entra is asked. */
export function certificateValidity(m: CertificateMaterial): { notBefore: Date; notAfter: Date; thumbprint: string } {
  const x = new X509Certificate(m.certPem);
  return { notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo), thumbprint: x.fingerprint.replace(/:/g, '') };
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * The `x5c` header: every certificate of the PEM text, leaf first, as standard base64 DER (RFC 7515
 * §4.1.6), as MSAL sends it when AZURE_CLIENT_SEND_CERTIFICATE_CHAIN is set. Subject name / issuer
 * (SNI) authentication needs it: Entra then trusts the chain, not a thumbprint uploaded to the app.
 */
export function certificateChain(pem: string): string[] {
  return [...pem.matchAll(new RegExp(CERT_BLOCK.source, 'g'))].map((m) => m[0].replace(/-----[A-Z ]+-----|\s+/g, ''));
}

/** A client assertion for `tokenUrl`, valid ten minutes from `now`, signed RS256; `x5c` carries the chain when given. */
export function signClientAssertion(m: CertificateMaterial, clientId: string, tokenUrl: string, now: Date, chain?: string[]): string {
  const der = new X509Certificate(m.certPem).raw;
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    x5t: createHash('sha1').update(der).digest('base64url'),
    ...(chain?.length ? { x5c: chain } : {}),
  };
  const iat = Math.floor(now.getTime() / 1000);
  const claims = { aud: tokenUrl, iss: clientId, sub: clientId, jti: randomUUID(), iat, nbf: iat, exp: iat + 600 };
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(m.key).toString('base64url')}`;
}

/** The base64 lines of the private key in a PEM text: what must be masked before anything else. */
export function privateKeyLines(pem: string): string[] {
  const block = KEY_BLOCK.exec(pem)?.[0] ?? '';
  return block
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('-----'));
}

interface CertificateDeps {
  readFile: (path: string) => string;
  mask: (secret: string) => void;
  now: Date;
}

/**
 * The certificate (inline, or from AZURE_CLIENT_CERTIFICATE_PATH) as a signed assertion; its key lines
 * and the assertion are masked first. An expired certificate is reported before Entra is asked.
 */
export function fromCertificate(
  c: EntraCredential,
  cert: NonNullable<EntraCredential['certificate']>,
  deps: CertificateDeps,
): { assertion: string; thumbprint: string } | { finding: Finding } {
  let pem = cert.pem ?? '';
  if (cert.path !== undefined) {
    try {
      pem = deps.readFile(cert.path);
    } catch (e) {
      return { finding: certificateUnusable(c, `the file ${cert.path} cannot be read (${(e as { code?: string }).code ?? 'unreadable'})`) };
    }
  }
  privateKeyLines(pem).forEach(deps.mask);
  const material = readCertificatePem(pem, cert.password);
  if (typeof material === 'string') return { finding: certificateUnusable(c, material) };
  const v = certificateValidity(material);
  if (v.notAfter.getTime() <= deps.now.getTime()) return { finding: certificateExpired(c, v.thumbprint, v.notAfter) };
  // Entra accepts RSA certificates only (RS256 / PS256 assertions).
  if (material.key.asymmetricKeyType !== 'rsa')
    return { finding: certificateUnusable(c, 'its key is not an RSA key, and Microsoft Entra accepts only RSA certificates') };
  const chain = cert.sendChain ? certificateChain(pem) : undefined;
  const assertion = signClientAssertion(material, c.clientId, tokenUrl(c), deps.now, chain);
  deps.mask(assertion);
  return { assertion, thumbprint: v.thumbprint };
}

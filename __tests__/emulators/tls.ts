/**
 * Test PKI for the local emulators: a test CA, a server certificate for every host name the
 * emulators stand in for, and three faulty certificates for TLS fault tests.
 *
 * - Made with the `openssl` CLI (OpenSSL 3.0): EC P-256 keys, so generation takes well under a second.
 * - Cached on disk under `os.tmpdir()/credential-preflight-test-tls-v1` and shared by every jest worker
 *   and test file (jest gives each test file a fresh module registry, so an in-memory cache alone would
 *   regenerate per file). A cache with less than two days of validity left is regenerated. Writers
 *   build in a private directory and rename it into place, so concurrent workers never see half a set.
 * - Nothing here is secret: the keys protect nothing but 127.0.0.1 test traffic.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every name the server certificate is valid for (IP entries as IP SANs). */
export const SERVER_CERT_NAMES: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'dev.azure.com',
  '*.dev.azure.com',
  'app.vssps.visualstudio.com',
  '*.visualstudio.com',
  'api.github.com',
  'github.com',
  'gitlab.com',
  'api.bitbucket.org',
  // Microsoft Entra authorities of the public, US Government and China clouds (sovereign-cloud tests).
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
];

/** The only name the wrong-host certificate is valid for. */
export const WRONG_HOST_NAME = 'wrong-host.invalid';

export interface CertPair {
  key: string;
  cert: string;
  keyFile: string;
  certFile: string;
}

/** Which certificate an emulator presents. */
export type CertificateKind = 'valid' | 'unknownCa' | 'expired' | 'wrongHost';

export interface TestTls {
  /** Directory holding the PEM files. */
  dir: string;
  /** The test CA (trust this in clients: `buildConnector({ ca: caPem })`, `ProxyAgent({ requestTls: { ca } })`). */
  caPem: string;
  caFile: string;
  /** Server key and certificate (signed by the test CA, valid for SERVER_CERT_NAMES, 30 days). */
  serverKey: string;
  serverCert: string;
  serverKeyFile: string;
  serverCertFile: string;
  /** A second CA nobody trusts; it signed `unknownCa`. */
  otherCaPem: string;
  otherCaFile: string;
  /** Valid names and dates, signed by the other CA → UNABLE_TO_VERIFY_LEAF_SIGNATURE / unknown CA. */
  unknownCa: CertPair;
  /** Signed by the test CA, valid names, validity window entirely in the past → CERT_HAS_EXPIRED. */
  expired: CertPair;
  /** Signed by the test CA, valid dates, only for WRONG_HOST_NAME → ERR_TLS_CERT_ALTNAME_INVALID. */
  wrongHost: CertPair;
  /** notAfter of the valid server certificate (ms since epoch). */
  validUntil: number;
}

const CACHE_VERSION = 'v2'; // bumped when SERVER_CERT_NAMES changes
const DAY = 86_400_000;
const FILES = [
  'ca.crt',
  'server.key',
  'server.crt',
  'other-ca.crt',
  'unknown-ca.key',
  'unknown-ca.crt',
  'expired.key',
  'expired.crt',
  'wrong-host.key',
  'wrong-host.crt',
] as const;

let memo: TestTls | undefined;

/** The test PKI, generated on first use and cached (see the module comment). */
export function getTestTls(): TestTls {
  if (memo && memo.validUntil - Date.now() > 2 * DAY) return memo;
  const finalDir = join(tmpdir(), `credential-preflight-test-tls-${CACHE_VERSION}`);
  const cached = load(finalDir);
  if (cached) return (memo = cached);

  const work = mkdtempSync(join(tmpdir(), 'credential-preflight-test-tls-build-'));
  generate(work);
  // Another worker may have put its set in place meanwhile (the cache directory only ever appears
  // complete, by rename). A fresh one is used as it is: replacing it would change the CA under a
  // worker that already serves certificates from it, and its clients would fail with network.tls.
  const theirs = load(finalDir);
  if (theirs) {
    rmSync(work, { recursive: true, force: true });
    return (memo = theirs);
  }
  let chosen = work;
  try {
    if (existsSync(finalDir)) {
      // There but not fresh (under two days left): stale, replaced.
      const trash = `${finalDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      renameSync(finalDir, trash);
      rmSync(trash, { recursive: true, force: true });
    }
    renameSync(work, finalDir);
    chosen = finalDir;
  } catch {
    // Another worker won the race (or the old directory could not be moved): use theirs if it is
    // complete and fresh, otherwise keep our private copy.
    const theirs = load(finalDir);
    if (theirs) {
      rmSync(work, { recursive: true, force: true });
      return (memo = theirs);
    }
  }
  const loaded = load(chosen);
  if (!loaded) throw new Error(`test TLS material in ${chosen} is incomplete`);
  return (memo = loaded);
}

/** Key and certificate for a given certificate kind. */
export function certificateFor(kind: CertificateKind): { key: string; cert: string } {
  const t = getTestTls();
  switch (kind) {
    case 'valid':
      return { key: t.serverKey, cert: t.serverCert };
    case 'unknownCa':
      return { key: t.unknownCa.key, cert: t.unknownCa.cert };
    case 'expired':
      return { key: t.expired.key, cert: t.expired.cert };
    case 'wrongHost':
      return { key: t.wrongHost.key, cert: t.wrongHost.cert };
  }
}

function load(dir: string): TestTls | undefined {
  try {
    if (!FILES.every((f) => existsSync(join(dir, f)))) return undefined;
    const read = (f: (typeof FILES)[number]): string => readFileSync(join(dir, f), 'utf8');
    const serverCert = read('server.crt');
    const caPem = read('ca.crt');
    const validUntil = Math.min(Date.parse(new X509Certificate(serverCert).validTo), Date.parse(new X509Certificate(caPem).validTo));
    if (!(validUntil - Date.now() > 2 * DAY)) return undefined;
    const pair = (name: string): CertPair => ({
      key: readFileSync(join(dir, `${name}.key`), 'utf8'),
      cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
      keyFile: join(dir, `${name}.key`),
      certFile: join(dir, `${name}.crt`),
    });
    return {
      dir,
      caPem,
      caFile: join(dir, 'ca.crt'),
      serverKey: read('server.key'),
      serverCert,
      serverKeyFile: join(dir, 'server.key'),
      serverCertFile: join(dir, 'server.crt'),
      otherCaPem: read('other-ca.crt'),
      otherCaFile: join(dir, 'other-ca.crt'),
      unknownCa: pair('unknown-ca'),
      expired: pair('expired'),
      wrongHost: pair('wrong-host'),
      validUntil,
    };
  } catch {
    return undefined;
  }
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0] ?? ''} failed: ${e.stderr?.toString() || e.message}`);
  }
}

function sanLine(names: readonly string[]): string {
  return names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
}

function asn1Time(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function generate(dir: string): void {
  const key = (name: string): void => openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  const ca = (name: string, cn: string): void => {
    key(name);
    openssl(dir, [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/O=credential-preflight tests/CN=${cn}`,
      '-days',
      '60',
      '-sha256',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-addext',
      'subjectKeyIdentifier=hash',
      '-out',
      `${name}.crt`,
    ]);
  };
  const leafExt = (name: string, names: readonly string[]): string => {
    const file = `${name}.ext`;
    writeFileSync(
      join(dir, file),
      [
        `subjectAltName=${sanLine(names)}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        'authorityKeyIdentifier=keyid',
        '',
      ].join('\n'),
    );
    return file;
  };
  const csr = (name: string, cn: string): void => {
    key(name);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
  };
  const sign = (name: string, caName: string, names: readonly string[]): void => {
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '30',
      '-sha256',
      '-extfile',
      leafExt(name, names),
      '-out',
      `${name}.crt`,
    ]);
  };

  ca('ca', 'credential-preflight Test CA');
  ca('other-ca', 'credential-preflight Untrusted Test CA');

  csr('server', 'localhost');
  sign('server', 'ca', SERVER_CERT_NAMES);

  csr('unknown-ca', 'localhost');
  sign('unknown-ca', 'other-ca', SERVER_CERT_NAMES);

  csr('wrong-host', WRONG_HOST_NAME);
  sign('wrong-host', 'ca', [WRONG_HOST_NAME]);

  // `openssl x509` (3.0) cannot set a past start date; `openssl ca` can.
  csr('expired', 'localhost');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), `${randomBytes(8).toString('hex').toUpperCase()}\n`);
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      'database = index.txt',
      'new_certs_dir = .',
      'serial = serial',
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      'copy_extensions = none',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const now = Date.now();
  openssl(dir, [
    'ca',
    '-batch',
    '-notext',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.crt',
    '-keyfile',
    'ca.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.crt',
    '-startdate',
    asn1Time(now - 30 * DAY),
    '-enddate',
    asn1Time(now - DAY),
    '-extfile',
    leafExt('expired', SERVER_CERT_NAMES),
  ]);
}

const tlsMaterial = getTestTls();

/** The test CA certificate (PEM). */
export const caPem: string = tlsMaterial.caPem;
/** Path of the test CA certificate (for NODE_EXTRA_CA_CERTS-style tests). */
export const caFile: string = tlsMaterial.caFile;
/** Server key and certificate (PEM) valid for SERVER_CERT_NAMES. */
export const serverKey: string = tlsMaterial.serverKey;
export const serverCert: string = tlsMaterial.serverCert;

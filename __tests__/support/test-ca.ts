/** A test CA and a server certificate for the local HTTPS emulators (openssl, once per process). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestPki {
  caPem: string;
  caFile: string;
  key: string;
  cert: string;
}

const HOSTS = ['localhost', 'dev.azure.com', '*.dev.azure.com', 'app.vssps.visualstudio.com', '*.visualstudio.com', 'api.github.com', 'gitlab.com', 'api.bitbucket.org'];
let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-pki-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '3650', '-subj', '/CN=credential-preflight test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  const san = ['IP:127.0.0.1', 'IP:::1', ...HOSTS.map((h) => `DNS:${h}`)].join(',');
  fs.writeFileSync(f('ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '3650', '-extfile', f('ext.cnf'));
  cached = { caPem: fs.readFileSync(f('ca.pem'), 'utf8'), caFile: f('ca.pem'), key: fs.readFileSync(f('server.key'), 'utf8'), cert: fs.readFileSync(f('server.pem'), 'utf8') };
  return cached;
}

/**
 * Self-tests of the test PKI: the valid certificate verifies for the emulated host names; the fault
 * certificates fail with the TLS errors a client must report as "no HTTP response", not "bad token".
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { request } from 'undici';
import { startAzureDevOpsEmulator, type AzureDevOpsEmulator } from '../emulators/azure-devops.js';
import { emulatorDispatcher } from '../emulators/dispatcher.js';
import { caPem, getTestTls, SERVER_CERT_NAMES, serverCert, type CertificateKind } from '../emulators/tls.js';

const started: AzureDevOpsEmulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

async function tlsErrorFor(
  kind: CertificateKind,
  url = 'https://dev.azure.com/fabrikam/_apis/connectionData',
): Promise<string | undefined> {
  const emu = await startAzureDevOpsEmulator({ mode: 'services', certificate: kind, organizations: [{ name: 'fabrikam', public: true }] });
  started.push(emu);
  const agent = emulatorDispatcher(emu);
  try {
    const res = await request(url, { dispatcher: agent });
    await res.body.text();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  } finally {
    await agent.close();
  }
}

describe('test TLS material', () => {
  it('signs the server certificate with the test CA for every emulated name', () => {
    const cert = new X509Certificate(serverCert);
    expect(cert.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    const san = cert.subjectAltName ?? '';
    for (const name of SERVER_CERT_NAMES) expect(san).toContain(name.includes(':') ? 'IP Address:0:0:0:0:0:0:0:1' : name);
    expect(getTestTls().caFile).toMatch(/ca\.crt$/);
  });

  it('serves the valid certificate to dev.azure.com and 127.0.0.1', async () => {
    expect(await tlsErrorFor('valid')).toBeUndefined();
    expect(await tlsErrorFor('valid', 'https://127.0.0.1/fabrikam/_apis/connectionData')).toBeUndefined();
  });

  it('fails the handshake for unknown-CA, expired and wrong-host certificates', async () => {
    expect(await tlsErrorFor('unknownCa')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await tlsErrorFor('expired')).toBe('CERT_HAS_EXPIRED');
    expect(await tlsErrorFor('wrongHost')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

import { readFileSync } from 'node:fs';
import { decodePemCertificates, devicePolicy, validateChain } from '../../../src/domain/chain';
import { assessCrlImport, checkRevocation, parseCrl, revocationViewOf } from '../../../src/domain/revocation';
import { type OpensslCa, startOpensslCa } from './openssl-ca';

// OpenSSL child processes are slow on a loaded machine.
jest.setTimeout(60_000);

let ca: OpensslCa;
let now: Date;

beforeAll(() => {
  ca = startOpensslCa();
  now = new Date(ca.generatedAt.getTime() + 60_000);
});
afterAll(() => ca?.cleanup());

const der = (pem: string): Uint8Array => {
  const decoded = decodePemCertificates(pem);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.certificates[0];
};

describe('CRLs made by `openssl ca -gencrl`', () => {
  it('imports the PEM CRL and revokes exactly the revoked device', async () => {
    const revoked = ca.issue('device-revoked');
    const kept = ca.issue('device-kept');
    ca.revoke(revoked.path, 'keyCompromise');
    const crlPem = readFileSync(ca.gencrl('crl.pem', 24), 'utf8');
    expect(crlPem).toContain('-----BEGIN X509 CRL-----');
    const anchors = [der(ca.rootPem)];

    const imported = await assessCrlImport({ crl: new Uint8Array(Buffer.from(crlPem)), anchors, now });
    expect(imported).toMatchObject({ issuerDn: 'CN=OpenSSL CRL Root', crlNumber: '1' });
    expect(imported.entries).toEqual([{ serialNumberHex: revoked.serialHex, revocationDate: expect.any(Date), reason: 'keyCompromise' }]);
    expect(parseCrl(new Uint8Array(Buffer.from(crlPem))).version).toBe(2);

    const view = revocationViewOf({ crls: [imported] });
    const statusOf = async (pem: string) => {
      const result = await validateChain({ chain: [der(pem)], anchors }, devicePolicy(now));
      if (!result.valid) throw new Error(`${result.code}: ${result.detail}`);
      return checkRevocation(result.path, view, { now, requireCrl: true });
    };
    expect(await statusOf(revoked.pem)).toMatchObject({ code: 'certificate_revoked', detail: expect.stringContaining(`(serial ${revoked.serialHex})`) });
    expect(await statusOf(kept.pem)).toBeUndefined();
  });

  it('refuses the same CRL once its nextUpdate has passed: crl_expired', async () => {
    const crl = new Uint8Array(readFileSync(ca.gencrl('short.pem', 1)));
    const later = new Date(ca.generatedAt.getTime() + 2 * 3_600_000);
    await expect(assessCrlImport({ crl, anchors: [der(ca.rootPem)], now: later })).rejects.toMatchObject({ code: 'crl_expired' });
  });
});

import { parseCertificate } from '../../../src/domain/chain';
import { crlIssuerId, parseCrl } from '../../../src/domain/revocation';
import { makeIntermediate, makeRoot } from '../../support/pki';
import { makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, importOutcome, importRefusal, makeHierarchy } from './fixtures';

let pki: Hierarchy;

beforeAll(async () => {
  pki = await makeHierarchy();
});

describe('CRL issuer (RFC 5280 §6.3.3 (b)(1), (f), (g))', () => {
  it("accepts a CRL of a pool root without an issuer certificate, identified by the root's name and key", async () => {
    const imported = await importCrl(await makeCrl({ issuer: pki.root }), pki);
    expect(imported).toMatchObject({ issuerDn: 'CN=CRL Test Root', issuerId: crlIssuerId(parseCertificate(pki.root.der)), crlNumber: '1' });
  });

  it('accepts a CRL of an intermediate with its certificate, alone or followed by the root', async () => {
    const crl = await makeCrl({ issuer: pki.intermediate });
    const id = crlIssuerId(parseCertificate(pki.intermediate.der));
    expect(await importCrl(crl, pki, { issuerChain: [pki.intermediate] })).toMatchObject({ issuerId: id, issuerDn: 'CN=CRL Test Intermediate' });
    expect(await importCrl(crl, pki, { issuerChain: [pki.intermediate, pki.root] })).toMatchObject({ issuerId: id });
  });

  it("refuses an intermediate's CRL without its certificate: crl_issuer_unknown", async () => {
    expect(await importOutcome(importCrl(await makeCrl({ issuer: pki.intermediate }), pki))).toBe('crl_issuer_unknown');
  });

  it('refuses an issuer certificate whose subject is not the CRL issuer: crl_issuer_name_mismatch', async () => {
    const crl = await makeCrl({ issuer: pki.intermediate });
    expect(await importOutcome(importCrl(crl, pki, { issuerChain: [pki.root] }))).toBe('crl_issuer_name_mismatch');
  });

  it('refuses a CRL signed by another key of the same name (a re-keyed or foreign CA): crl_bad_signature', async () => {
    const sameName = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate' });
    const crl = await makeCrl({ issuer: sameName });
    expect(await importOutcome(importCrl(crl, pki, { issuerChain: [pki.intermediate] }))).toBe('crl_bad_signature');
    // With its own certificate it imports, under an issuerId of its own.
    const imported = await importCrl(crl, pki, { issuerChain: [sameName] });
    expect(imported.issuerId).not.toBe(crlIssuerId(parseCertificate(pki.intermediate.der)));
  });

  it("refuses a root's CRL signed by a key other than the pool root's: crl_bad_signature", async () => {
    const impostor = await makeRoot({ cn: 'CRL Test Root' });
    expect(await importOutcome(importCrl(await makeCrl({ issuer: impostor }), pki))).toBe('crl_bad_signature');
  });

  it("refuses the CRL of another pool's CA, its chain naming the code: crl_issuer_untrusted", async () => {
    const otherRoot = await makeRoot({ cn: 'Other Pool Root' });
    const otherIntermediate = await makeIntermediate(otherRoot, { cn: 'Other Pool Intermediate' });
    const crl = await makeCrl({ issuer: otherIntermediate });
    expect(await importRefusal(importCrl(crl, pki, { issuerChain: [otherIntermediate, otherRoot] }))).toEqual({
      code: 'crl_issuer_untrusted',
      message: expect.stringContaining('(untrusted_root:'),
    });
    // Without a certificate, a foreign root's CRL is simply unknown to this pool.
    expect(await importOutcome(importCrl(await makeCrl({ issuer: otherRoot }), pki))).toBe('crl_issuer_unknown');
  });

  it('refuses an issuer certificate that is not valid at the import time: crl_issuer_untrusted', async () => {
    const expired = await makeIntermediate(pki.root, { cn: 'Expired Intermediate', notAfter: new Date('2030-01-01T00:00:00Z') });
    const refusal = await importRefusal(importCrl(await makeCrl({ issuer: expired }), pki, { issuerChain: [expired] }));
    expect(refusal).toEqual({ code: 'crl_issuer_untrusted', message: expect.stringContaining('certificate_expired') });
  });

  it('refuses an issuer certificate that does not parse: crl_issuer_untrusted', async () => {
    const crl = await makeCrl({ issuer: pki.intermediate });
    expect(await importOutcome(importCrl(crl, pki, { issuerChain: [pki.intermediate.der.subarray(0, 50)] }))).toBe('crl_issuer_untrusted');
  });

  it('refuses an issuer whose keyUsage lacks cRLSign, intermediate or root: crl_issuer_missing_crl_sign', async () => {
    const certOnly = await makeIntermediate(pki.root, { cn: 'Certificate-only CA', keyUsage: ['keyCertSign'] });
    expect(await importOutcome(importCrl(await makeCrl({ issuer: certOnly }), pki, { issuerChain: [certOnly] }))).toBe('crl_issuer_missing_crl_sign');
    const rootWithoutCrlSign = await makeRoot({ cn: 'Root without cRLSign', keyUsage: ['keyCertSign'] });
    expect(await importOutcome(importCrl(await makeCrl({ issuer: rootWithoutCrlSign }), pki, { anchors: [rootWithoutCrlSign] }))).toBe(
      'crl_issuer_missing_crl_sign',
    );
  });

  it('accepts a dedicated CRL signer that is not a CA, without keyUsage or with cRLSign', async () => {
    const signer = await makeIntermediate(pki.root, { cn: 'CRL Signer', basicConstraints: 'absent', keyUsage: ['cRLSign'] });
    expect(await importOutcome(importCrl(await makeCrl({ issuer: signer }), pki, { issuerChain: [signer] }))).toBe('imported');
    const noKeyUsage = await makeIntermediate(pki.root, { cn: 'CRL Signer 2', keyUsage: 'absent' });
    expect(await importOutcome(importCrl(await makeCrl({ issuer: noKeyUsage }), pki, { issuerChain: [noKeyUsage] }))).toBe('imported');
  });

  it('matches the CRL issuer name per RFC 5280 §7.1 (case and spaces in DirectoryString values)', async () => {
    const differentlyWritten = await makeCrl({ issuer: pki.root, issuerName: nameDer('crl   TEST root') });
    expect(parseCrl(differentlyWritten).issuerDn).toBe('CN=crl   TEST root');
    expect(await importOutcome(importCrl(differentlyWritten, pki))).toBe('imported');
  });
});

function nameDer(cn: string): Uint8Array {
  const value = Buffer.from(cn, 'utf8');
  const attribute = Buffer.from([0x30, value.length + 7, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, value.length, ...value]);
  const rdn = Buffer.from([0x31, attribute.length, ...attribute]);
  return new Uint8Array([0x30, rdn.length, ...rdn]);
}

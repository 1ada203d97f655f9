import { parseCrl } from '../../../src/domain/revocation';
import { bigIntegerOctets, encodeTime, integer, makeCrl, OIDS, oid, sequence, tlv } from './crl-builder';
import { type Hierarchy, importCrl, importOutcome, importRefusal, makeHierarchy } from './fixtures';

let pki: Hierarchy;

beforeAll(async () => {
  pki = await makeHierarchy();
});

const PRIVATE_OID = '1.3.6.1.4.1.99999.1';
const withExtensions = (extensions: Parameters<typeof makeCrl>[0]['extensions']): Promise<Uint8Array> => makeCrl({ issuer: pki.root, extensions });
const withEntryExtensions = (extensions: Parameters<typeof makeCrl>[0]['extensions']): Promise<Uint8Array> =>
  makeCrl({ issuer: pki.root, entries: [{ serial: 9, reason: 1, extensions }] });
const directoryName = sequence(tlv(0xa4, sequence()));

describe('CRL extensions (RFC 5280 §5.2)', () => {
  it('accepts authorityKeyIdentifier, cRLNumber and a non-critical issuerAltName', async () => {
    const ian = sequence(tlv(0x82, Buffer.from('ca.example')));
    const crl = await withExtensions([{ oid: OIDS.issuerAltName, value: ian }]);
    expect(parseCrl(crl).extensions.all.map((e) => e.oid)).toEqual(['2.5.29.35', OIDS.crlNumber, OIDS.issuerAltName]);
    expect(await importOutcome(importCrl(crl, pki))).toBe('imported');
  });

  it('reads a 20-octet cRLNumber as a decimal string', async () => {
    const big = 2n ** 159n - 1n;
    expect((await importCrl(await makeCrl({ issuer: pki.root, crlNumber: big }), pki)).crlNumber).toBe(big.toString());
    expect((await importCrl(await makeCrl({ issuer: pki.root, crlNumber: 'absent' }), pki)).crlNumber).toBeUndefined();
  });

  it('refuses a negative cRLNumber and a duplicated extension: crl_malformed', async () => {
    expect(
      await importOutcome(
        importCrl(await makeCrl({ issuer: pki.root, crlNumber: 'absent', extensions: [{ oid: OIDS.crlNumber, value: integer(new Uint8Array([0xff])) }] }), pki),
      ),
    ).toBe('crl_malformed');
    expect(await importOutcome(importCrl(await withExtensions([{ oid: OIDS.crlNumber, value: integer(bigIntegerOctets(2n)) }]), pki))).toBe('crl_malformed');
  });

  it('refuses a delta CRL: crl_delta_unsupported', async () => {
    const crl = await withExtensions([{ oid: OIDS.deltaCrlIndicator, critical: true, value: integer(bigIntegerOctets(1n)) }]);
    expect(await importOutcome(importCrl(crl, pki))).toBe('crl_delta_unsupported');
  });

  it('refuses a complete CRL that announces delta CRLs: crl_freshest_crl_unsupported', async () => {
    const freshest = sequence(sequence(tlv(0xa0, tlv(0xa0, directoryName.subarray(2)))));
    expect(await importOutcome(importCrl(await withExtensions([{ oid: OIDS.freshestCrl, value: freshest }]), pki))).toBe('crl_freshest_crl_unsupported');
  });

  it.each([
    ['onlyContainsUserCerts', sequence(tlv(0x81, Buffer.from([0xff])))],
    ['onlyContainsCACerts', sequence(tlv(0x82, Buffer.from([0xff])))],
    ['onlySomeReasons', sequence(tlv(0x83, Buffer.from([0x07, 0x80])))],
    ['indirectCRL', sequence(tlv(0x84, Buffer.from([0xff])))],
  ])('refuses an issuingDistributionPoint with %s: crl_scope_unsupported', async (_, value) => {
    const crl = await withExtensions([{ oid: OIDS.issuingDistributionPoint, critical: true, value }]);
    expect(await importOutcome(importCrl(crl, pki))).toBe('crl_scope_unsupported');
  });

  it('refuses an unknown critical CRL extension, and ignores an unknown non-critical one', async () => {
    const critical = await withExtensions([{ oid: PRIVATE_OID, critical: true, value: tlv(0x05) }]);
    expect(await importRefusal(importCrl(critical, pki))).toEqual({
      code: 'crl_unknown_critical_extension',
      message: `unknown critical CRL extension ${PRIVATE_OID}`,
    });
    expect(await importOutcome(importCrl(await withExtensions([{ oid: PRIVATE_OID, value: tlv(0x05) }]), pki))).toBe('imported');
  });

  it('reads a critical flag encoded as an explicit FALSE as non-critical, in the CRL and in an entry (as for certificates)', async () => {
    const crl = await withExtensions([{ oid: PRIVATE_OID, critical: 'explicit-false', value: tlv(0x05) }]);
    expect(parseCrl(crl).extensions.all.find((e) => e.oid === PRIVATE_OID)?.critical).toBe(false);
    expect(await importOutcome(importCrl(crl, pki))).toBe('imported');
    const entry = await withEntryExtensions([{ oid: PRIVATE_OID, critical: 'explicit-false', value: tlv(0x05) }]);
    expect(parseCrl(entry).entries[0].otherExtensions).toEqual([{ oid: PRIVATE_OID, critical: false }]);
    expect(await importOutcome(importCrl(entry, pki))).toBe('imported');
  });

  it('refuses a critical flag that is not a DER BOOLEAN in an entry: crl_malformed', async () => {
    const crl = await withEntryExtensions([{ oid: PRIVATE_OID, criticalDer: tlv(0x01, Buffer.from([0x01])), value: tlv(0x05) }]);
    expect(await importRefusal(importCrl(crl, pki))).toMatchObject({
      code: 'crl_malformed',
      message: expect.stringContaining('critical is not a DER BOOLEAN'),
    });
  });
});

describe('CRL entry extensions (RFC 5280 §5.3)', () => {
  it('understands reasonCode, invalidityDate and holdInstructionCode', async () => {
    const crl = await withEntryExtensions([
      { oid: OIDS.invalidityDate, value: encodeTime(new Date('2030-04-01T00:00:00Z'), true) },
      { oid: OIDS.holdInstructionCode, value: oid('1.2.840.10040.2.2') },
    ]);
    expect(parseCrl(crl).entries[0]).toMatchObject({ reason: 'keyCompromise', invalidityDate: new Date('2030-04-01T00:00:00Z'), otherExtensions: [] });
    expect((await importCrl(crl, pki)).entries).toEqual([{ serialNumberHex: '09', revocationDate: new Date('2030-05-01T00:00:00Z'), reason: 'keyCompromise' }]);
  });

  it('refuses an indirect CRL entry (certificateIssuer): crl_indirect_unsupported', async () => {
    const crl = await withEntryExtensions([{ oid: OIDS.certificateIssuer, critical: true, value: directoryName }]);
    expect(await importOutcome(importCrl(crl, pki))).toBe('crl_indirect_unsupported');
  });

  it('refuses an unknown critical entry extension, and ignores an unknown non-critical one', async () => {
    const crl = await withEntryExtensions([{ oid: PRIVATE_OID, critical: true, value: tlv(0x05) }]);
    expect(await importRefusal(importCrl(crl, pki))).toEqual({
      code: 'crl_unknown_critical_entry_extension',
      message: `entry #0 (serial 09) has unknown critical extension ${PRIVATE_OID}`,
    });
    expect(await importOutcome(importCrl(await withEntryExtensions([{ oid: PRIVATE_OID, value: tlv(0x05) }]), pki))).toBe('imported');
  });

  it('bounds work on hostile entries: an OID over 64 octets, more than 16 extensions (crl_malformed)', async () => {
    const longOid = `1.3.${Array.from({ length: 70 }, () => '1').join('.')}`;
    expect(await importRefusal(importCrl(await withEntryExtensions([{ oid: longOid, value: tlv(0x05) }]), pki))).toEqual({
      code: 'crl_malformed',
      message: 'revoked entry #0 extension id: OID longer than 64 octets',
    });
    const many = Array.from({ length: 17 }, (_, i) => ({ oid: `${PRIVATE_OID}.${i}`, value: tlv(0x05) }));
    expect(await importRefusal(importCrl(await withEntryExtensions(many), pki))).toEqual({
      code: 'crl_malformed',
      message: 'revoked entry #0: more than 16 entry extensions',
    });
  });

  it('refuses an invalidityDate that is not a GeneralizedTime, and an empty entry extension list: crl_malformed', async () => {
    const utc = await withEntryExtensions([{ oid: OIDS.invalidityDate, value: encodeTime(new Date('2030-04-01T00:00:00Z')) }]);
    expect(await importOutcome(importCrl(utc, pki))).toBe('crl_malformed');
    const empty = await makeCrl({ issuer: pki.root, entries: [{ serial: 1, emptyExtensions: true }] });
    expect(await importOutcome(importCrl(empty, pki))).toBe('crl_malformed');
  });
});

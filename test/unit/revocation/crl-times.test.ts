import { CRL_CLOCK_SKEW_MS } from '../../../src/domain/revocation';
import { CRL_NOW, makeCrl, tlv } from './crl-builder';
import { type Hierarchy, importCrl, importOutcome, importRefusal, makeHierarchy } from './fixtures';

let pki: Hierarchy;

beforeAll(async () => {
  pki = await makeHierarchy();
});

const at = (offsetMs: number): Date => new Date(CRL_NOW.getTime() + offsetMs);

describe('CRL times (RFC 5280 §5.1.2.4, §5.1.2.5)', () => {
  it('keeps thisUpdate and nextUpdate as given', async () => {
    const imported = await importCrl(await makeCrl({ issuer: pki.root, thisUpdate: at(-3_600_000), nextUpdate: at(86_400_000) }), pki);
    expect(imported).toMatchObject({ thisUpdate: at(-3_600_000), nextUpdate: at(86_400_000) });
  });

  it('tolerates a thisUpdate up to the clock skew ahead, and refuses one beyond it: crl_not_yet_valid', async () => {
    expect(await importOutcome(importCrl(await makeCrl({ issuer: pki.root, thisUpdate: at(CRL_CLOCK_SKEW_MS) }), pki))).toBe('imported');
    expect(await importOutcome(importCrl(await makeCrl({ issuer: pki.root, thisUpdate: at(CRL_CLOCK_SKEW_MS + 1000) }), pki))).toBe('crl_not_yet_valid');
  });

  it('refuses a CRL without nextUpdate: crl_next_update_missing', async () => {
    expect(await importOutcome(importCrl(await makeCrl({ issuer: pki.root, nextUpdate: 'absent' }), pki))).toBe('crl_next_update_missing');
  });

  it('refuses a CRL whose nextUpdate has passed at import: crl_expired', async () => {
    const stale = await makeCrl({ issuer: pki.root, thisUpdate: at(-2 * 86_400_000), nextUpdate: at(-1000) });
    expect(await importRefusal(importCrl(stale, pki))).toEqual({ code: 'crl_expired', message: expect.stringContaining(at(-1000).toISOString()) });
    // The same CRL was fine while current.
    expect(await importOutcome(importCrl(stale, pki, { now: at(-2000) }))).toBe('imported');
  });

  it('reads GeneralizedTime as well as UTCTime, and UTCTime years before 2000', async () => {
    const generalized = await makeCrl({ issuer: pki.root, generalizedTimes: true, thisUpdate: at(-1000), nextUpdate: at(1000) });
    expect(await importCrl(generalized, pki)).toMatchObject({ thisUpdate: at(-1000), nextUpdate: at(1000) });
    const pre2000 = await makeCrl({ issuer: pki.root, thisUpdate: new Date('1999-01-01T12:01:00Z'), nextUpdate: new Date('1999-06-01T00:00:00Z') });
    expect(await importRefusal(importCrl(pre2000, pki))).toEqual({ code: 'crl_expired', message: expect.stringContaining('1999-06-01T00:00:00.000Z') });
    const beyond2049 = await makeCrl({ issuer: pki.root, nextUpdate: new Date('2051-01-01T00:00:00Z') });
    expect((await importCrl(beyond2049, pki)).nextUpdate).toEqual(new Date('2051-01-01T00:00:00Z'));
  });

  it.each([
    ['month 13', tlv(0x17, Buffer.from('301301000000Z')), 'thisUpdate: time field out of range'],
    ['no seconds', tlv(0x17, Buffer.from('3006010000Z')), 'thisUpdate: time "3006010000Z" is not in the RFC 5280 form'],
    ['fractional seconds', tlv(0x18, Buffer.from('20300601000000.5Z')), 'thisUpdate: time "20300601000000.5Z" is not in the RFC 5280 form'],
    ['a local time', tlv(0x17, Buffer.from('300601000000+0100')), 'thisUpdate: time "300601000000+0100" is not in the RFC 5280 form'],
    ['an INTEGER', tlv(0x02, Buffer.from([1])), 'thisUpdate: expected UTCTime or GeneralizedTime'],
  ])('refuses a thisUpdate with %s: crl_malformed', async (_, thisUpdateDer, message) => {
    expect(await importRefusal(importCrl(await makeCrl({ issuer: pki.root, thisUpdateDer }), pki))).toEqual({ code: 'crl_malformed', message });
  });
});

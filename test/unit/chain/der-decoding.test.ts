import { Asn1Error, decodeDer, readOid } from '../../../src/domain/chain/asn1';

/*
 * The strict DER decoder every certificate goes through (asn1.ts on
 * der/der-tlv.ts): X.690 §10 and the content rules of the universal types,
 * wherever a value appears, read or not.
 */
describe('decodeDer', () => {
  const bytes = (...octets: number[]) => new Uint8Array(octets);
  /** A SEQUENCE around `content`, where a reader would never look (as an unknown name attribute value). */
  const inSequence = (...content: number[]) => bytes(0x30, content.length, ...content);
  const refusal = (input: Uint8Array) => {
    try {
      decodeDer(input, 'test');
    } catch (error) {
      expect(error).toBeInstanceOf(Asn1Error);
      return (error as Error).message;
    }
    throw new Error('decoded');
  };

  it('decodes nested values as offsets into the input, without copying', () => {
    const input = bytes(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa);
    const node = decodeDer(input, 'test');
    expect(node).toMatchObject({ tagClass: 1, tagNumber: 16, constructed: true, start: 0, contentStart: 2, end: 8 });
    expect(node.children?.map((child) => [child.tagNumber, child.contentStart, child.end])).toEqual([
      [2, 4, 5],
      [4, 7, 8],
    ]);
    expect(node.bytes).toBe(input);
  });

  it.each([
    ['an empty input', bytes(), 'empty input'],
    ['trailing bytes', bytes(0x05, 0x00, 0x00), '1 trailing byte(s) after the DER value'],
    ['a truncated value', bytes(0x30, 0x05, 0x05, 0x00), 'truncated'],
    ['an indefinite length', bytes(0x30, 0x80, 0x05, 0x00, 0x00, 0x00), 'indefinite length (not DER)'],
    ['a length in more octets than needed', bytes(0x04, 0x81, 0x01, 0xaa), 'non-minimal length (not DER)'],
    ['a length with a leading zero octet', bytes(0x04, 0x82, 0x00, 0x81, ...new Array(0x81).fill(0)), 'non-minimal length (not DER)'],
    ['a length of more than 4 octets', bytes(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00), 'invalid length'],
    ['the high tag number form', bytes(0x1f, 0x81, 0x00, 0x00), 'high tag number form'],
    ['end-of-contents', inSequence(0x00, 0x00), '[UNIVERSAL 0] is not allowed in DER'],
    ['the reserved tag 15', inSequence(0x0f, 0x00), '[UNIVERSAL 15] is not allowed in DER'],
    ['a constructed string', inSequence(0x2c, 0x03, 0x0c, 0x01, 0x41), 'constructed encoding of [UNIVERSAL 12] (not DER)'],
    ['a constructed BIT STRING', inSequence(0x23, 0x04, 0x03, 0x02, 0x00, 0x01), 'constructed encoding of [UNIVERSAL 3] (not DER)'],
    ['a primitive SEQUENCE', inSequence(0x10, 0x00), '[UNIVERSAL 16] must be constructed'],
    ['a BOOLEAN TRUE other than 0xFF', inSequence(0x01, 0x01, 0x01), 'BOOLEAN not DER-encoded'],
    ['a two-octet BOOLEAN', inSequence(0x01, 0x02, 0x00, 0x00), 'BOOLEAN not DER-encoded'],
    ['an empty INTEGER', inSequence(0x02, 0x00), 'empty INTEGER'],
    ['an INTEGER with a redundant leading zero', inSequence(0x02, 0x02, 0x00, 0x01), 'non-minimal INTEGER'],
    ['an INTEGER with redundant leading ones', inSequence(0x02, 0x02, 0xff, 0x80), 'non-minimal INTEGER'],
    ['a NULL with content', inSequence(0x05, 0x01, 0x00), 'NULL with content'],
    ['an empty OID', inSequence(0x06, 0x00), 'invalid OID'],
    ['an OID cut inside a sub-identifier', inSequence(0x06, 0x02, 0x2a, 0x86), 'invalid OID'],
    ['an OID sub-identifier with a leading 0x80', inSequence(0x06, 0x03, 0x2a, 0x80, 0x01), 'invalid OID'],
    ['a BIT STRING with 8 unused bits', inSequence(0x03, 0x02, 0x08, 0x00), 'invalid BIT STRING'],
    ['an empty BIT STRING with unused bits', inSequence(0x03, 0x01, 0x01), 'invalid BIT STRING'],
    ['a UTCTime without seconds', inSequence(0x17, 0x0b, ...Buffer.from('3001011200Z')), 'UTCTime not in the DER form'],
    ['a UTCTime with an offset', inSequence(0x17, 0x11, ...Buffer.from('300101120000+0100')), 'UTCTime not in the DER form'],
    ['a GeneralizedTime fraction with a trailing zero', inSequence(0x18, 0x11, ...Buffer.from('20300101120000.50Z')), 'GeneralizedTime not in the DER form'],
    ['a GeneralizedTime in local time', inSequence(0x18, 0x0e, ...Buffer.from('20300101120000')), 'GeneralizedTime not in the DER form'],
    ['a UniversalString cut inside a character', inSequence(0x1c, 0x03, 0x00, 0x00, 0x41), 'UniversalString length not a multiple of 4'],
    ['a BMPString cut inside a character', inSequence(0x1e, 0x03, 0x00, 0x41, 0x00), 'BMPString length not a multiple of 2'],
  ])('refuses %s', (_, input, reason) => {
    expect(refusal(input)).toBe(`test: ${reason}`);
  });

  it('accepts the DER forms of the same types', () => {
    const values = [
      [0x01, 0x01, 0xff],
      [0x02, 0x02, 0x00, 0x80],
      [0x05, 0x00],
      [0x06, 0x03, 0x55, 0x04, 0x03],
      [0x03, 0x01, 0x00],
      [0x17, 0x0d, ...Buffer.from('300101120000Z')],
      [0x18, 0x11, ...Buffer.from('20300101120000.5Z')],
      [0x0c, 0x01, 0x41],
    ].flat();
    expect(decodeDer(inSequence(...values), 'test').children).toHaveLength(8);
  });

  it('bounds the nesting depth and the number of values', () => {
    let nested = bytes(0x05, 0x00);
    for (let depth = 0; depth < 33; depth++) nested = bytes(0x30, nested.length, ...nested);
    expect(refusal(nested)).toBe('test: ASN.1 nesting depth exceeds 32');
    const nulls = new Array(1500).fill([0x05, 0x00]).flat();
    expect(refusal(bytes(0x30, 0x82, nulls.length >> 8, nulls.length & 0xff, ...nulls))).toBe('test: ASN.1 node count exceeds 1500');
  });

  it.each([
    [[0x55, 0x04, 0x03], '2.5.4.3'],
    [[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b], '1.2.840.113549.1.1.11'],
    [[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19], '0.9.2342.19200300.100.1.25'],
    [[0x88, 0x37, 0x01], '2.999.1'],
    [[0x2a, 0x8f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], '1.2.1152921504606846975'],
  ])('reads OID %j as %s', (content, dotted) => {
    expect(readOid(decodeDer(bytes(0x06, content.length, ...content), 'test'), 'test')).toBe(dotted);
  });
});

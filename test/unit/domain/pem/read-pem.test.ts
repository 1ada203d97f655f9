import { readPem } from '../../../../src/domain/pem/read-pem';

/* RFC 7468 §3 lax parsing: text outside blocks ignored, whitespace inside ignored, the rest strict. */

const BODY = Buffer.from('not a certificate, just bytes to carry').toString('base64');
const block = (label: string, body = BODY): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

describe('readPem', () => {
  it('returns every block with its label and DER, text outside ignored', () => {
    const reading = readPem(`Bag Attributes\n    localKeyID: 01 02\nsubject=CN=x\n\n${block('CERTIFICATE')}notes\n${block('X509 CRL')}`);
    expect(reading.problem).toBeUndefined();
    expect(reading.labels).toEqual(['CERTIFICATE', 'X509 CRL']);
    expect(reading.blocks.map((b) => [b.label, Buffer.from(b.der).toString()])).toEqual([
      ['CERTIFICATE', 'not a certificate, just bytes to carry'],
      ['X509 CRL', 'not a certificate, just bytes to carry'],
    ]);
  });

  it.each([
    ['a UTF-8 byte-order mark (bytes)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(block('CERTIFICATE'))])],
    ['a UTF-8 byte-order mark (string)', `\ufeff${block('CERTIFICATE')}`],
    ['CRLF line ends', block('CERTIFICATE').replace(/\n/g, '\r\n')],
    ['trailing spaces and tabs', block('CERTIFICATE').replace(/\n/g, ' \t \n')],
    ['whitespace anywhere in the base64', block('CERTIFICATE', BODY.split('').join(' \r\n\t\v\f'))],
    ['the whole body on the BEGIN line', `-----BEGIN CERTIFICATE-----${BODY}-----END CERTIFICATE-----`],
    ['no line end after END', block('CERTIFICATE').trimEnd()],
  ])('reads %s', (_name, input) => {
    const reading = readPem(input);
    expect(reading.problem).toBeUndefined();
    expect(reading.blocks.map((b) => Buffer.from(b.der).toString())).toEqual(['not a certificate, just bytes to carry']);
  });

  it('finds no block in text, DER or nothing', () => {
    expect(readPem('')).toEqual({ labels: [], blocks: [] });
    expect(readPem('hello')).toEqual({ labels: [], blocks: [] });
    expect(readPem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toEqual({ labels: [], blocks: [] });
  });

  it.each([
    ['a BEGIN without END', 'begin_without_end', block('CERTIFICATE').replace('-----END CERTIFICATE-----', '')],
    ['a truncated file', 'begin_without_end', block('CERTIFICATE').slice(0, 40)],
    ['a BEGIN inside a block', 'begin_without_end', `-----BEGIN CERTIFICATE-----\n${block('CERTIFICATE')}`],
    ['an END of another label', 'label_mismatch', block('CERTIFICATE').replace('END CERTIFICATE', 'END X509 CRL')],
    ['a BEGIN line without a label', 'malformed_boundary', '-----BEGIN -----\nAAAA\n-----END -----\n'],
    ['a BEGIN line never closed', 'malformed_boundary', '-----BEGIN CERTIFICATE\nAAAA\n'],
    ['base64url characters', 'invalid_base64', block('CERTIFICATE', 'ab-_')],
    ['a character outside base64', 'invalid_base64', block('CERTIFICATE', 'AB$D')],
    ['data after padding', 'invalid_base64', block('CERTIFICATE', 'AA==AAAA')],
    ['three padding characters', 'invalid_base64', block('CERTIFICATE', 'A===')],
    ['a length not a multiple of 4', 'invalid_base64', block('CERTIFICATE', 'ABC')],
    ['an empty body', 'invalid_base64', block('CERTIFICATE', '')],
    ['RFC 1421 headers', 'invalid_base64', block('RSA PRIVATE KEY', `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n${BODY}`)],
  ])('refuses %s (%s), no block returned', (_name, kind, input) => {
    const reading = readPem(input);
    expect(reading.problem?.kind).toBe(kind);
    expect(reading.blocks).toEqual([]);
  });

  it('reports the label of every BEGIN line, even past a broken block', () => {
    const reading = readPem(`-----BEGIN CERTIFICATE-----\nAAAA\n${block('PRIVATE KEY')}`);
    expect(reading.problem?.kind).toBe('begin_without_end');
    expect(reading.labels).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
  });

  it('scans hostile input in linear time (many BEGIN lines, many blocks)', () => {
    const started = Date.now();
    expect(readPem('-----BEGIN CERTIFICATE-----\n'.repeat(100_000)).problem?.kind).toBe('begin_without_end');
    expect(readPem('-----BEGIN '.repeat(200_000)).problem?.kind).toBe('malformed_boundary');
    expect(readPem(block('CERTIFICATE', 'AAAA').repeat(50_000)).blocks).toHaveLength(50_000);
    expect(readPem(`-----BEGIN CERTIFICATE-----\n${'A'.repeat(2_000_000)}`).problem?.kind).toBe('begin_without_end');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

import fc from 'fast-check';
import { derMutation, mutateDer } from './der-mutations';

/**
 * Mutations of the PEM framing of a root CA upload (RFC 7468): labels,
 * base64 garbage, extra blocks, line endings, missing boundaries, text around
 * the block, and DER damage under an intact frame. Some are benign (CRLF,
 * unwrapped base64): a property must then accept exactly the original root.
 */

export type PemMutation =
  | { kind: 'label'; where: 'begin' | 'end' | 'both'; label: string }
  | { kind: 'garbage'; position: number; text: string }
  | { kind: 'extra-block'; where: 'before' | 'after'; block: 'same' | 'private-key' | 'csr' | 'empty-certificate' | 'random-label'; label: string }
  | { kind: 'line-endings'; style: 'crlf' | 'cr' | 'none' | 'unwrapped' }
  | { kind: 'drop'; what: 'begin' | 'end' | 'both-boundaries' | 'dashes' }
  | { kind: 'truncate'; keep: number }
  | { kind: 'text-outside'; where: 'before' | 'after'; text: string }
  | { kind: 'padding'; change: 'strip' | 'add' | 'double' }
  | { kind: 'bytes'; prefix: Uint8Array }
  | { kind: 'der'; mutation: Parameters<typeof mutateDer>[1] };

const LABELS = [
  'X509 CERTIFICATE',
  'TRUSTED CERTIFICATE',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
  'PRIVATE KEY',
  'EC PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'PUBLIC KEY',
  'PKCS7',
  'certificate',
  'CERTIFICATE ',
  ' CERTIFICATE',
  '',
];
const GARBAGE = fc.oneof(
  fc.constantFrom('!', '-', '_', '=', '.', '*', '\u0000', '\u00e9', '\u20ac', '\t', ' ', '-----', '==', 'A', '\ufeff'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
);

export const pemMutation: fc.Arbitrary<PemMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('label' as const),
    where: fc.constantFrom('begin' as const, 'end' as const, 'both' as const),
    label: fc.oneof(fc.constantFrom(...LABELS), fc.stringMatching(/^[A-Z0-9 ]{1,20}$/)),
  }),
  fc.record({ kind: fc.constant('garbage' as const), position: fc.nat({ max: 4096 }), text: GARBAGE }),
  fc.record({
    kind: fc.constant('extra-block' as const),
    where: fc.constantFrom('before' as const, 'after' as const),
    block: fc.constantFrom('same' as const, 'private-key' as const, 'csr' as const, 'empty-certificate' as const, 'random-label' as const),
    label: fc.stringMatching(/^[A-Z0-9 ]{1,16}$/),
  }),
  fc.record({ kind: fc.constant('line-endings' as const), style: fc.constantFrom('crlf' as const, 'cr' as const, 'none' as const, 'unwrapped' as const) }),
  fc.record({ kind: fc.constant('drop' as const), what: fc.constantFrom('begin' as const, 'end' as const, 'both-boundaries' as const, 'dashes' as const) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat({ max: 4096 }) }),
  fc.record({
    kind: fc.constant('text-outside' as const),
    where: fc.constantFrom('before' as const, 'after' as const),
    text: fc.oneof(fc.constantFrom('subject=CN=Root\n', '\n\n', '   ', 'Bag Attributes\n', '-----'), fc.string({ maxLength: 40 })),
  }),
  fc.record({ kind: fc.constant('padding' as const), change: fc.constantFrom('strip' as const, 'add' as const, 'double' as const) }),
  fc.record({
    kind: fc.constant('bytes' as const),
    prefix: fc.oneof(
      fc.constant(Uint8Array.from([0xef, 0xbb, 0xbf])),
      fc.constant(Uint8Array.from([0xff, 0xfe])),
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
    ),
  }),
  fc.record({ kind: fc.constant('der' as const), mutation: derMutation }),
);

function block(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${body.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

function applyOne(pem: string, der: Uint8Array, mutation: PemMutation): string | Buffer {
  const base64 = Buffer.from(der).toString('base64');
  switch (mutation.kind) {
    case 'label': {
      const begin = mutation.where === 'end' ? 'CERTIFICATE' : mutation.label;
      const end = mutation.where === 'begin' ? 'CERTIFICATE' : mutation.label;
      return pem.replace('-----BEGIN CERTIFICATE-----', `-----BEGIN ${begin}-----`).replace('-----END CERTIFICATE-----', `-----END ${end}-----`);
    }
    case 'garbage': {
      const at = mutation.position % (pem.length + 1);
      return pem.slice(0, at) + mutation.text + pem.slice(at);
    }
    case 'extra-block': {
      const extra = {
        same: pem,
        'private-key': block('PRIVATE KEY', Buffer.alloc(48, 7).toString('base64')),
        csr: block('CERTIFICATE REQUEST', Buffer.alloc(48, 9).toString('base64')),
        'empty-certificate': '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
        'random-label': block(mutation.label, base64),
      }[mutation.block];
      return mutation.where === 'before' ? extra + pem : pem + extra;
    }
    case 'line-endings':
      if (mutation.style === 'unwrapped') return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
      return pem.replace(/\n/g, { crlf: '\r\n', cr: '\r', none: '' }[mutation.style]);
    case 'drop':
      if (mutation.what === 'dashes') return pem.replace(/-----/g, '');
      return pem
        .split('\n')
        .filter((line) => !(mutation.what !== 'end' && line.startsWith('-----BEGIN')) && !(mutation.what !== 'begin' && line.startsWith('-----END')))
        .join('\n');
    case 'truncate':
      return pem.slice(0, mutation.keep % pem.length);
    case 'text-outside':
      return mutation.where === 'before' ? mutation.text + pem : pem + mutation.text;
    case 'padding': {
      const body = { strip: base64.replace(/=+$/, ''), add: `${base64}=`, double: `${base64}==` }[mutation.change];
      return block('CERTIFICATE', body);
    }
    case 'bytes':
      return Buffer.concat([Buffer.from(mutation.prefix), Buffer.from(pem, 'latin1')]);
    case 'der':
      return block('CERTIFICATE', Buffer.from(mutateDer(der, mutation.mutation)).toString('base64'));
  }
}

/** Applies the mutations in order; the result is the file's bytes. */
export function mutatePem(pem: string, der: Uint8Array, mutations: readonly PemMutation[]): Buffer {
  let current: string | Buffer = pem;
  for (const mutation of mutations) {
    current = applyOne(typeof current === 'string' ? current : current.toString('latin1'), der, mutation);
  }
  return typeof current === 'string' ? Buffer.from(current, 'utf8') : current;
}

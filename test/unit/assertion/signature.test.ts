import { constants, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { AssertionAlg } from '../../../src/domain/assertion/compact-jws';
import { verifyAssertionSignature } from '../../../src/domain/assertion/signature';
import { DomainError } from '../../../src/errors';
import { type DeviceAlg, signJws } from '../../support/device-client';

/* RFC 7518 §3: the signature must verify with the device certificate's key, and the key type must fit alg. */

interface Pair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const keys: Record<'rsa' | 'rsa2' | 'p256' | 'p384' | 'p521', Pair> = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  rsa2: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  p521: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};

const INPUT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtMSJ9';

async function signature(alg: DeviceAlg, key: KeyObject, input = INPUT): Promise<Buffer> {
  return signJws(alg, key, input);
}

function outcome(alg: AssertionAlg, publicKey: KeyObject, sig: Buffer, input = INPUT): string {
  try {
    verifyAssertionSignature(alg, publicKey, Buffer.from(input, 'ascii'), sig);
    return 'valid';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('verifyAssertionSignature', () => {
  const happy: [AssertionAlg, keyof typeof keys][] = [
    ['RS256', 'rsa'],
    ['RS384', 'rsa'],
    ['RS512', 'rsa'],
    ['PS256', 'rsa'],
    ['PS384', 'rsa'],
    ['PS512', 'rsa'],
    ['ES256', 'p256'],
    ['ES384', 'p384'],
    ['ES512', 'p521'],
  ];

  it.each(happy)('verifies %s with the matching %s key', async (alg, key) => {
    expect(outcome(alg, keys[key].publicKey, await signature(alg, keys[key].privateKey))).toBe('valid');
  });

  it.each(happy)('refuses %s over a modified signing input', async (alg, key) => {
    const sig = await signature(alg, keys[key].privateKey);
    expect(outcome(alg, keys[key].publicKey, sig, `${INPUT}x`)).toBe('assertion_signature_invalid');
  });

  it('verifies with the public key taken from a certificate-style SPKI', async () => {
    const spki = keys.p256.publicKey.export({ type: 'spki', format: 'der' });
    const fromSpki = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(outcome('ES256', fromSpki, await signature('ES256', keys.p256.privateKey))).toBe('valid');
  });

  describe('wrong key', () => {
    it('refuses an RSA signature made by another RSA key', async () => {
      expect(outcome('RS256', keys.rsa.publicKey, await signature('RS256', keys.rsa2.privateKey))).toBe('assertion_signature_invalid');
      expect(outcome('PS256', keys.rsa.publicKey, await signature('PS256', keys.rsa2.privateKey))).toBe('assertion_signature_invalid');
    });

    it('refuses an ECDSA signature made by another P-256 key', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect(outcome('ES256', keys.p256.publicKey, await signature('ES256', other.privateKey))).toBe('assertion_signature_invalid');
    });
  });

  describe('alg / key-type confusion', () => {
    it.each([
      ['ES256 with an RSA key', 'ES256', 'rsa'],
      ['ES384 with a P-256 key', 'ES384', 'p256'],
      ['ES256 with a P-384 key', 'ES256', 'p384'],
      ['ES512 with a P-384 key', 'ES512', 'p384'],
      ['RS256 with a P-256 key', 'RS256', 'p256'],
      ['PS256 with a P-256 key', 'PS256', 'p256'],
    ] as [string, AssertionAlg, keyof typeof keys][])('refuses %s', async (_name, alg, key) => {
      // The best an attacker can do: a real signature by that key, in whatever form.
      const family = keys[key].publicKey.asymmetricKeyType === 'ec' ? 'ES' : 'RS';
      const native = family === 'ES' ? (key === 'p256' ? 'ES256' : key === 'p384' ? 'ES384' : 'ES512') : 'RS256';
      const sig = await signature(native as DeviceAlg, keys[key].privateKey);
      expect(outcome(alg, keys[key].publicKey, sig)).toBe('assertion_signature_invalid');
    });

    it('refuses an ES384-shaped signature by a P-256 key presented as ES384 (hash confusion)', async () => {
      const sig = sign('sha384', Buffer.from(INPUT), { key: keys.p256.privateKey, dsaEncoding: 'ieee-p1363' });
      expect(outcome('ES384', keys.p256.publicKey, sig)).toBe('assertion_signature_invalid');
    });

    it('refuses an RS256 signature presented as PS256, and a PS256 signature presented as RS256', async () => {
      expect(outcome('PS256', keys.rsa.publicKey, await signature('RS256', keys.rsa.privateKey))).toBe('assertion_signature_invalid');
      expect(outcome('RS256', keys.rsa.publicKey, await signature('PS256', keys.rsa.privateKey))).toBe('assertion_signature_invalid');
    });

    it('refuses an RS256 signature presented as RS384', async () => {
      expect(outcome('RS384', keys.rsa.publicKey, await signature('RS256', keys.rsa.privateKey))).toBe('assertion_signature_invalid');
    });
  });

  describe('encodings', () => {
    it('refuses a DER-encoded ECDSA signature (JOSE requires r‖s)', () => {
      const der = sign('sha256', Buffer.from(INPUT), { key: keys.p256.privateKey, dsaEncoding: 'der' });
      expect(outcome('ES256', keys.p256.publicKey, der)).toBe('assertion_signature_invalid');
    });

    it('refuses a PSS signature whose salt is not the hash length (RFC 7518 §3.5)', () => {
      const sig = sign('sha256', Buffer.from(INPUT), { key: keys.rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 });
      expect(outcome('PS256', keys.rsa.publicKey, sig)).toBe('assertion_signature_invalid');
    });

    it.each([
      ['empty', Buffer.alloc(0)],
      ['one byte', Buffer.from([1])],
      ['all zeros of the right ECDSA length', Buffer.alloc(64)],
      ['far too long', Buffer.alloc(4096, 0xff)],
    ])('refuses a %s signature without throwing anything else', (_name, sig) => {
      expect(outcome('ES256', keys.p256.publicKey, sig)).toBe('assertion_signature_invalid');
      expect(outcome('RS256', keys.rsa.publicKey, sig)).toBe('assertion_signature_invalid');
    });
  });
});

describe('verifyAssertionSignature with an id-RSASSA-PSS key (RFC 4055)', () => {
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });

  it.each([['PS256'], ['PS384'], ['PS512']] as [AssertionAlg][])('verifies %s', async (alg) => {
    expect(outcome(alg, pss.publicKey, await signature(alg as DeviceAlg, pss.privateKey))).toBe('valid');
  });

  it('refuses RS256 (a PSS-only key never signs PKCS#1 v1.5)', () => {
    const sig = sign('sha256', Buffer.from(INPUT), { key: pss.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect(outcome('RS256', pss.publicKey, sig)).toBe('assertion_signature_invalid');
  });
});

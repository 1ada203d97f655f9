import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { buildAssertion } from '../../../src/client/assertion';
import { signingAlgorithm } from '../../../src/client/signing-algorithm';
import { checkAssertionClaims } from '../../../src/domain/assertion/claims';
import { parseCompactJws } from '../../../src/domain/assertion/compact-jws';
import { verifyAssertionSignature } from '../../../src/domain/assertion/signature';
import { codeOf, testDevice } from './helpers';

/* The client's RFC 7523 assertion, checked by jose and by the token endpoint's own parsing, claim and signature rules. */

const NOW = new Date('2030-06-15T12:00:00Z');
const T = NOW.getTime() / 1000;
const TOKEN_ENDPOINT = 'https://idp.example.com/pools/pool-1/oauth2/token';

describe('buildAssertion', () => {
  it('carries alg, typ and x5c = [device, intermediate] (the root left out), and iss/sub/aud/iat/exp/jti', async () => {
    const { credentials, device, intermediate } = await testDevice('EC-P256', 'till-42');
    const built = await buildAssertion(credentials, { clientId: 'client', audience: TOKEN_ENDPOINT, now: NOW });

    expect(decodeProtectedHeader(built.jwt)).toEqual({
      alg: 'ES256',
      typ: 'JWT',
      x5c: [Buffer.from(device.der).toString('base64'), Buffer.from(intermediate.der).toString('base64')],
    });
    const { payload } = await jwtVerify(built.jwt, createPublicKey(credentials.privateKey), { currentDate: NOW });
    expect(payload).toEqual({ iss: 'client', sub: 'till-42', aud: TOKEN_ENDPOINT, iat: T, exp: T + 300, jti: built.jti });
    expect(built.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes the token endpoint own rules: compact JWS, claims at its clock, signature with x5c[0]', async () => {
    const { credentials } = await testDevice('RSA-2048');
    const built = await buildAssertion(credentials, { clientId: 'client', audience: TOKEN_ENDPOINT, now: NOW });
    const parsed = parseCompactJws(built.jwt);
    expect(parsed.header.alg).toBe('RS256');
    expect(checkAssertionClaims(parsed.claims, { now: NOW, audiences: [TOKEN_ENDPOINT] })).toMatchObject({
      clientAppId: 'client',
      subject: 'device-1',
      expiresAt: T + 300,
    });
    const deviceKey = new X509Certificate(parsed.header.x5c[0]).publicKey;
    expect(() => verifyAssertionSignature(parsed.header.alg, deviceKey, parsed.signingInput, parsed.signature)).not.toThrow();
  });

  it('uses a fresh jti every time (each assertion is single use)', async () => {
    const { credentials } = await testDevice();
    const jtis = new Set<string>();
    for (let i = 0; i < 5; i++) jtis.add((await buildAssertion(credentials, { clientId: 'client', audience: TOKEN_ENDPOINT, now: NOW })).jti);
    expect(jtis.size).toBe(5);
  });

  it('keeps the lifetime within the server limit of 600 s: 600 is built, 601 and 0 are refused', async () => {
    const { credentials } = await testDevice();
    const at = (lifetimeSeconds: number) => buildAssertion(credentials, { clientId: 'c', audience: TOKEN_ENDPOINT, now: NOW, lifetimeSeconds });
    expect((await at(600)).exp).toBe(T + 600);
    await expect(at(601)).rejects.toMatchObject({ code: 'assertion_lifetime_invalid' });
    await expect(at(0)).rejects.toMatchObject({ code: 'assertion_lifetime_invalid' });
  });

  it('picks the algorithm from the key (RS256, ES384 for P-384) and signs PS256 when asked; refuses what the key cannot sign', async () => {
    const p384 = await testDevice('EC-P384');
    expect((await buildAssertion(p384.credentials, { clientId: 'c', audience: TOKEN_ENDPOINT })).alg).toBe('ES384');
    const rsa = await testDevice('RSA-2048');
    const pss = await buildAssertion(rsa.credentials, { clientId: 'c', audience: TOKEN_ENDPOINT, now: NOW, alg: 'PS256' });
    const parsed = parseCompactJws(pss.jwt);
    expect(parsed.header.alg).toBe('PS256');
    const key = new X509Certificate(parsed.header.x5c[0]).publicKey;
    expect(() => verifyAssertionSignature('PS256', key, parsed.signingInput, parsed.signature)).not.toThrow();
    await expect(buildAssertion(p384.credentials, { clientId: 'c', audience: TOKEN_ENDPOINT, alg: 'ES256' })).rejects.toMatchObject({
      code: 'unsupported_key_type',
    });
    await expect(buildAssertion(rsa.credentials, { clientId: 'c', audience: TOKEN_ENDPOINT, alg: 'HS256' })).rejects.toMatchObject({
      code: 'unsupported_key_type',
    });
  });

  it('refuses an Ed25519 key and EC curves the token endpoint does not accept', () => {
    expect(codeOf(() => signingAlgorithm(generateKeyPairSync('ed25519').privateKey))).toBe('unsupported_key_type');
    expect(codeOf(() => signingAlgorithm(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey))).toBe('unsupported_key_type');
    expect(signingAlgorithm(generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey)).toBe('ES512');
    expect(signingAlgorithm(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey)).toBe('PS256');
    expect(codeOf(() => signingAlgorithm(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey, 'RS256'))).toBe('unsupported_key_type');
  });
});

import { constants, createPrivateKey, type KeyObject, randomUUID, sign } from 'node:crypto';

/**
 * A device's side of RFC 7523: builds and signs JWT-bearer assertions the way
 * firmware would (node:crypto, no JWT library), with every field overridable
 * so hostile-input suites can send exactly the bytes they want.
 */

export type DeviceAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/** A WebCrypto key (test/support/pki), a node KeyObject or a PEM private key. */
export type DevicePrivateKey = CryptoKey | KeyObject | string;

/** `undefined` in an override removes the member, so "missing claim" cases are one line. */
type Overrides = Record<string, unknown>;

export interface AssertionSpec {
  alg: DeviceAlg;
  privateKey: DevicePrivateKey;
  /** DER certificates (device first) or ready-made x5c strings. */
  x5c: readonly (Uint8Array | string)[];
  /** clientAppId */
  iss: string;
  /** deviceId (= certificate CN) */
  sub: string;
  aud: string | string[];
  /** Default: the real clock. */
  now?: Date;
  /** exp - iat; default 300 s (docs/contract.md §4.2 allows at most 600). */
  lifetimeSeconds?: number;
  /** Merged over the standard claims; `undefined` deletes. */
  claims?: Overrides;
  /** Merged over {alg, typ: 'JWT', x5c}; `undefined` deletes. */
  header?: Overrides;
}

export interface SignedAssertion {
  jwt: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

export function base64Der(der: Uint8Array): string {
  return Buffer.from(der).toString('base64');
}

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function merge(base: Record<string, unknown>, overrides: Overrides = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

function isKeyObject(key: CryptoKey | KeyObject): key is KeyObject {
  return 'asymmetricKeyType' in key;
}

export async function toKeyObject(key: DevicePrivateKey): Promise<KeyObject> {
  if (typeof key === 'string') return createPrivateKey(key);
  if (isKeyObject(key)) return key;
  // Through PKCS#8 rather than KeyObject.from: jest's VM realm makes CryptoKey brand checks unreliable.
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', key);
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

/** RFC 7518 §3: signs `signingInput` as `alg` prescribes (ECDSA in JOSE r‖s form, PSS salt = hash length). */
export async function signJws(alg: DeviceAlg, privateKey: DevicePrivateKey, signingInput: string): Promise<Buffer> {
  const key = await toKeyObject(privateKey);
  const hash = HASHES[alg.slice(2)];
  const data = Buffer.from(signingInput, 'ascii');
  if (alg.startsWith('ES')) return sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) return sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  return sign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING });
}

/** The standard claims of a fresh assertion: iat = now, exp = now + lifetime, a random jti. */
export function assertionClaims(spec: Pick<AssertionSpec, 'iss' | 'sub' | 'aud' | 'now' | 'lifetimeSeconds' | 'claims'>): Record<string, unknown> {
  const iat = Math.floor((spec.now ?? new Date()).getTime() / 1000);
  return merge({ iss: spec.iss, sub: spec.sub, aud: spec.aud, iat, exp: iat + (spec.lifetimeSeconds ?? 300), jti: randomUUID() }, spec.claims);
}

export async function signAssertion(spec: AssertionSpec): Promise<SignedAssertion> {
  const header = merge({ alg: spec.alg, typ: 'JWT', x5c: spec.x5c.map((c) => (typeof c === 'string' ? c : base64Der(c))) }, spec.header);
  const claims = assertionClaims(spec);
  const jwt = await signRaw(spec.alg, spec.privateKey, base64urlJson(header), base64urlJson(claims));
  return { jwt, header, claims };
}

/** Signs pre-encoded segments as given: for headers and payloads that are not JSON objects, or not canonical. */
export async function signRaw(alg: DeviceAlg, privateKey: DevicePrivateKey, headerSegment: string, payloadSegment: string): Promise<string> {
  const signingInput = `${headerSegment}.${payloadSegment}`;
  return `${signingInput}.${(await signJws(alg, privateKey, signingInput)).toString('base64url')}`;
}

export type TokenRequestForm = 'jwt-bearer' | 'client-credentials';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The two request forms of docs/contract.md §4.1, form-encoded. */
export function tokenRequestBody(assertion: string, options: { form?: TokenRequestForm; scope?: string } = {}): URLSearchParams {
  const body =
    options.form === 'client-credentials'
      ? new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion })
      : new URLSearchParams({ grant_type: JWT_BEARER, assertion });
  if (options.scope !== undefined) body.set('scope', options.scope);
  return body;
}

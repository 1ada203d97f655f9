import { createHmac, sign as nodeSign } from 'node:crypto';
import { assertionClaims, base64Der, base64urlJson, type DeviceAlg, signRaw, toKeyObject } from '../../support/device-client';
import type { EnrolledDevice } from '../../support/device-fleet';
import type { EnvironmentInfo } from '../../support/test-idp';

/**
 * Building blocks for hostile assertions: everything a device (or an
 * attacker holding only public material) can put on the wire, byte for byte.
 */

function x5cOf(device: EnrolledDevice): string[] {
  return [base64Der(device.device.der), base64Der(device.intermediate.der)];
}

/** Standard, valid claims for `device` in `env` (fresh jti), with overrides (`undefined` deletes). */
export function claimsFor(device: EnrolledDevice, env: EnvironmentInfo, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return assertionClaims({ iss: 'client', sub: device.deviceId, aud: env.tokenEndpoint, claims: overrides });
}

export function headerFor(device: EnrolledDevice, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const header: Record<string, unknown> = { alg: device.alg, typ: 'JWT', x5c: x5cOf(device) };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete header[name];
    else header[name] = value;
  }
  return header;
}

/** A JWS over arbitrary header/claims values, signed by the device key as `alg` (default the device's own). */
export function signedBy(
  device: EnrolledDevice,
  header: unknown,
  claims: unknown,
  alg: DeviceAlg = device.alg,
  key = device.device.keys.privateKey,
): Promise<string> {
  return signRaw(alg, key, base64urlJson(header), base64urlJson(claims));
}

/** RFC 7519 §6 unsecured JWT: `header.payload.` with an empty signature. */
export function unsecured(header: unknown, claims: unknown): string {
  return `${base64urlJson(header)}.${base64urlJson(claims)}.`;
}

/**
 * The classic key-confusion forgery: HMAC over the signing input keyed with
 * public material of the device (its SPKI or certificate, PEM or DER), which
 * a verifier that lets the token choose `alg` would accept.
 */
export function hmacSigned(hashBits: 256 | 384 | 512, key: Buffer | string, header: unknown, claims: unknown): string {
  const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
  return `${signingInput}.${createHmac(`sha${hashBits}`, key).update(signingInput).digest('base64url')}`;
}

export async function publicMaterial(device: EnrolledDevice): Promise<{ spkiDer: Buffer; spkiPem: string; certificateDer: Buffer; certificatePem: string }> {
  const spkiDer = Buffer.from(await globalThis.crypto.subtle.exportKey('spki', device.device.keys.publicKey));
  const lines = spkiDer.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    spkiDer,
    spkiPem: `-----BEGIN PUBLIC KEY-----\n${lines}-----END PUBLIC KEY-----\n`,
    certificateDer: Buffer.from(device.device.der),
    certificatePem: device.device.pem,
  };
}

/** ES256 with the ECDSA signature left in ASN.1 DER form (what OpenSSL emits) instead of JOSE r‖s. */
export async function es256DerSigned(device: EnrolledDevice, header: unknown, claims: unknown): Promise<string> {
  const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
  const key = await toKeyObject(device.device.keys.privateKey);
  return `${signingInput}.${nodeSign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'der' }).toString('base64url')}`;
}

/** Replaces one compact-JWS segment (0 header, 1 payload, 2 signature) with raw text. */
export function withSegment(jwt: string, index: 0 | 1 | 2, segment: string): string {
  const parts = jwt.split('.');
  parts[index] = segment;
  return parts.join('.');
}

export function b64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

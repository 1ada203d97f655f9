import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { TokenSigner } from '../src/usecases/ports';

/** One fresh P-256 key for the process: the local stand-in for a pool's KMS key. */
export function localSigningKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/**
 * RFC 7515 §3.1 compact JWS, ES256 (RFC 7518 §3.4: r‖s, "ieee-p1363"), signed
 * in process with a local P-256 key instead of KMS: the pipeline benchmark
 * measures the project's own code, with the KMS round trip left out.
 */
export function localEs256Signer(privateKey: KeyObject, kid = 'bench-local-p256'): TokenSigner {
  return {
    sign: async (_pool, header, payload) => es256Jws(privateKey, { alg: 'ES256', kid, ...header }, payload),
  };
}

export function es256Jws(privateKey: KeyObject, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

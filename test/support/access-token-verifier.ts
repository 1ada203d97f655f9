import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type { EnvironmentInfo } from './test-idp';

/**
 * Fetches the pool's JWKS over HTTP once and returns a verifier for its access
 * tokens ([RFC 9068](https://www.rfc-editor.org/rfc/rfc9068#section-4): typ
 * at+jwt, iss and aud the pool's issuer). The verifier resolves to the
 * token's claims and rejects with jose's errors (JWSSignatureVerificationFailed,
 * JWTClaimValidationFailed, ...).
 *
 * @throws Error when the JWKS answer is not 200.
 */
export async function accessTokenVerifier(env: EnvironmentInfo): Promise<(token: string) => Promise<JWTPayload>> {
  const response = await fetch(env.jwksUri);
  if (response.status !== 200) throw new Error(`JWKS: HTTP ${response.status} ${await response.text()}`);
  const keySet = createLocalJWKSet((await response.json()) as JSONWebKeySet);
  return async (token) => (await jwtVerify(token, keySet, { issuer: env.issuer, audience: env.issuer, typ: 'at+jwt' })).payload;
}

import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { MAX_ASSERTION_LIFETIME_SECONDS } from '../domain/assertion/claims';
import type { DeviceCredentials } from './device-credentials';
import { DeviceClientError } from './errors';
import { type AssertionAlg, signingAlgorithm } from './signing-algorithm';

/** exp − iat of the assertions this client builds: half the server's limit, so clock skew never pushes it over. */
export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 300;

export interface AssertionOptions {
  /** `iss`: the clientAppId of the device's binding (or the device id itself, RFC 7523 §3 private_key_jwt shape). */
  clientId: string;
  /** `aud`: the pool's token endpoint URL (RFC 7523 §3 (3)). */
  audience: string;
  /** Default: the real clock. */
  now?: Date;
  /** exp − iat in seconds, 1..600 (docs/contract.md §4.2); default 300. */
  lifetimeSeconds?: number;
  /** Default: from the key (signingAlgorithm). */
  alg?: string;
}

export interface BuiltAssertion {
  /** The compact JWS (RFC 7515 §7.1). */
  jwt: string;
  alg: AssertionAlg;
  jti: string;
  /** NumericDate seconds. */
  iat: number;
  exp: number;
}

/**
 * An RFC 7523 §3 JWT-bearer assertion as this IDP accepts it (docs/contract.md §4.2):
 * header `{alg, typ: "JWT", x5c}` with the device's path as standard base64
 * DER; claims `iss` = clientId, `sub` = the certificate's CN, `aud`, `iat`,
 * `exp` and a fresh random `jti` (each assertion is single use). Signed with
 * jose. Throws DeviceClientError `assertion_lifetime_invalid` or
 * `unsupported_key_type`.
 */
export async function buildAssertion(credentials: DeviceCredentials, options: AssertionOptions): Promise<BuiltAssertion> {
  const lifetime = options.lifetimeSeconds ?? DEFAULT_ASSERTION_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new DeviceClientError('assertion_lifetime_invalid', `got ${lifetime}`);
  }
  const alg = signingAlgorithm(credentials.privateKey, options.alg);
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = iat + lifetime;
  const jti = randomUUID();
  const x5c = credentials.certificates.map((der) => Buffer.from(der).toString('base64'));
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT', x5c })
    .setIssuer(options.clientId)
    .setSubject(credentials.deviceId)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(credentials.privateKey);
  return { jwt, alg, jti, iat, exp };
}

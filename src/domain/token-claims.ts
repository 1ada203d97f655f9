import { randomUUID } from 'node:crypto';

export interface AccessTokenInput {
  issuer: string;
  audience: string;
  deviceId: string;
  clientAppId: string;
  scopes: string[];
  orgId: string;
  envId: string;
  businessUnitId?: string;
  /** base64url SHA-256 of the device certificate DER (RFC 8705 §3.1). */
  certificateThumbprint: string;
  issuedAt: Date;
  lifetimeSeconds: number;
}

/** RFC 9068 §2.2 access-token claims, plus the certificate binding of RFC 8705 §3.1. */
export function accessTokenClaims(input: AccessTokenInput) {
  const iat = Math.floor(input.issuedAt.getTime() / 1000);
  return {
    iss: input.issuer,
    sub: input.deviceId,
    aud: input.audience,
    client_id: input.clientAppId,
    scope: input.scopes.join(' '),
    iat,
    exp: iat + input.lifetimeSeconds,
    jti: randomUUID(),
    org_id: input.orgId,
    env_id: input.envId,
    business_unit_id: input.businessUnitId ?? null,
    cnf: { 'x5t#S256': input.certificateThumbprint },
  };
}

/** RFC 9068 §2.1 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

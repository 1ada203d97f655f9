import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { type DeviceToken, describeTokenError, getDeviceToken, loadCredentials, TokenEndpointError } from '../../src/client';
import { describeAnswer } from './admin-api';
import { abbreviateJwt, DemoExpectationError, expectResult } from './demo-output';
import { CLIENT_APP_ID, type DemoDevice, type EnvironmentInfo, ORGANIZATION, type SeedContext } from './seed-steps';

/** The code behind `device-idp token --key <id>/device.key --chain <id>/device.chain.crt` (no cache: every call asks the IDP). */
function deviceToken(work: string, env: EnvironmentInfo, device: DemoDevice): Promise<DeviceToken> {
  const credentials = loadCredentials({ kind: 'pem', key: join(work, device.id, 'device.key'), chain: join(work, device.id, 'device.chain.crt') }, undefined);
  return getDeviceToken({ tokenEndpoint: env.tokenEndpoint, clientId: CLIENT_APP_ID, credentials });
}

/** Step 5: the device signs an RFC 7523 assertion (x5c = its path) and trades it for an access token. Returns the token. */
export async function getToken({ out, work }: SeedContext, env: EnvironmentInfo, device: DemoDevice): Promise<string> {
  out.line(`device-idp token --token-endpoint ${env.tokenEndpoint} \\`);
  out.line(`  --client-id ${CLIENT_APP_ID} --key ${device.id}/device.key --chain ${device.id}/device.chain.crt`);
  out.line(`assertion: iss "${CLIENT_APP_ID}", sub "${device.id}" (the certificate's CN), aud the token endpoint, x5c [device, intermediate]`, 2);
  const token = await deviceToken(work, env, device);
  out.line(`token_type ${token.tokenType}, expires_in ${token.expiresIn} s, scope "${token.scope ?? ''}"`, 2);
  out.line(`access_token ${abbreviateJwt(token.accessToken)}`, 2);
  expectResult(token.tokenType === 'Bearer' && token.scope === 'device' && !token.fromCache, 'the token is not a fresh Bearer token with the scope "device"');
  return token.accessToken;
}

/** Step 6: the token's header and claims (RFC 9068), then its signature checked against the pool's JWKS. */
export async function showClaims({ out, work }: SeedContext, env: EnvironmentInfo, device: DemoDevice, accessToken: string): Promise<void> {
  out.line('header:');
  out.json(decodeProtectedHeader(accessToken));
  out.line('payload:');
  out.json(decodeJwt(accessToken));

  const jwks = createRemoteJWKSet(new URL(env.jwksUri));
  const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
    issuer: env.issuer,
    audience: env.issuer,
    subject: device.id,
    typ: 'at+jwt',
  }).catch((error: unknown) => {
    throw new DemoExpectationError(`the token does not verify against ${env.jwksUri}: ${(error as Error).message}`);
  });
  out.line(`verified with jose against ${env.jwksUri}:`);
  out.line(`${protectedHeader.alg} signature by key ${protectedHeader.kid}; typ at+jwt; iss and aud ${env.issuer}; sub ${device.id}`, 2);

  const der = new X509Certificate(readFileSync(join(work, device.id, 'device.crt'))).raw;
  const thumbprint = createHash('sha256').update(der).digest('base64url');
  const expected: Record<string, unknown> = {
    client_id: CLIENT_APP_ID,
    scope: 'device',
    org_id: ORGANIZATION.id,
    env_id: env.envId,
    business_unit_id: device.businessUnit,
  };
  for (const [claim, value] of Object.entries(expected))
    expectResult(payload[claim] === value, `claim ${claim} is ${JSON.stringify(payload[claim])}, not ${JSON.stringify(value)}`);
  expectResult((payload.cnf as Record<string, unknown> | undefined)?.['x5t#S256'] === thumbprint, 'cnf.x5t#S256 is not the SHA-256 of the device certificate');
  out.line(`business_unit_id "${device.businessUnit}" is the certificate's O; cnf.x5t#S256 is the SHA-256 of ${device.id}/device.crt (RFC 8705 §3.1)`, 2);
}

/** Step 7: the second device works, is revoked by its certificate's PEM, and is refused from the next request on; the first is unaffected. */
export async function revokeDevice({ out, work, admin }: SeedContext, env: EnvironmentInfo, revoked: DemoDevice, other: DemoDevice): Promise<void> {
  const before = await deviceToken(work, env, revoked);
  out.line(`${revoked.id} before the revocation: token issued (expires_in ${before.expiresIn} s)`);

  const path = `/api/internal/${env.clientPoolId}/revocations`;
  const request = { certificate: readFileSync(join(work, revoked.id, 'device.crt'), 'utf8'), reason: 'keyCompromise' };
  const answer = await admin.postJson(path, request);
  out.line(`${describeAnswer('POST', path, answer)}  {"certificate": <${revoked.id}/device.crt PEM>, "reason": "keyCompromise"}`);
  expectResult(answer.status === 201, `the revocation answered ${answer.status}, not 201`);
  out.line(`fingerprint ${String(answer.body.fingerprint)}, matches ${JSON.stringify(answer.body.matches)}`, 2);

  const refusal = await deviceToken(work, env, revoked).then(
    () => undefined,
    (error: unknown) => error,
  );
  expectResult(refusal instanceof TokenEndpointError, `${revoked.id} still got a token after its revocation (${String(refusal)})`);
  out.line(`${revoked.id} after the revocation: refused`);
  out.line(describeTokenError(refusal), 2);
  out.line(`stable code: ${refusal.code}`, 2);
  expectResult(
    refusal.status === 400 && refusal.error === 'invalid_grant' && refusal.code === 'certificate_revoked',
    `the refusal is ${refusal.status} ${refusal.error} ${refusal.code}, not 400 invalid_grant certificate_revoked`,
  );

  const unaffected = await deviceToken(work, env, other);
  out.line(`${other.id}, not revoked: token issued (expires_in ${unaffected.expiresIn} s)`);
}

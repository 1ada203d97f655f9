import { type KeyObject, sign, verify } from 'node:crypto';
import { tokenRequestBody } from '../test/support/device-client';
import type { Contender } from './interleaved-throughput';
import { es256Jws, localEs256Signer } from './local-es256-signer';
import { naiveTokenIssuer } from './naive-token';
import { composePipeline, PIPELINE_TOKEN_ENDPOINT } from './pipeline';
import { type FleetDevice, signRound, type TokenFleet } from './token-fleet';

/**
 * The three ways the bench issues a token for a fleet device, every token by
 * the next device in turn (a device returns only after the whole fleet).
 */

interface FloorInput {
  readonly device: FleetDevice;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/**
 * The cryptography a token cannot do without, node:crypto only: verify the
 * assertion with the device key (imported from its SPKI per token: every
 * device is new), verify the device certificate's signature over its TBS
 * bytes with the intermediate's key (imported once: intermediates repeat),
 * sign a token-sized payload with P-256 (ES256, r‖s). Bytes are extracted
 * before the clock starts.
 */
export async function floorContender(fleet: TokenFleet, signingKey: KeyObject): Promise<Contender<FloorInput>> {
  const inputs = (await signRound(fleet, PIPELINE_TOKEN_ENDPOINT)).map((jwt, index) => {
    const cut = jwt.lastIndexOf('.');
    return { device: fleet.devices[index], signingInput: Buffer.from(jwt.slice(0, cut)), signature: Buffer.from(jwt.slice(cut + 1), 'base64url') };
  });
  const assertionEncoding = fleet.alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {};
  const token = tokenSizedSigningInput(signingKey);
  return {
    name: 'floor',
    nextRound: async () => inputs,
    run: ({ device, signingInput, signature }) => {
      const assertionValid = verify('sha256', signingInput, { key: device.spki, format: 'der', type: 'spki', ...assertionEncoding }, signature);
      const certificateValid = verify('sha256', device.tbs, fleet.intermediateKey, device.signature);
      const tokenSignature = sign('sha256', token, { key: signingKey, dsaEncoding: 'ieee-p1363' });
      if (!assertionValid || !certificateValid || tokenSignature.length !== 64) throw new Error(`floor: ${device.deviceId} did not verify`);
    },
  };
}

/** The project's code from the form body to the signed token (bench/pipeline.ts); every round freshly signed assertions. */
export function pipelineContender(fleet: TokenFleet, signingKey: KeyObject): Contender<string> {
  const pipeline = composePipeline(fleet, localEs256Signer(signingKey));
  return {
    name: 'pipeline',
    nextRound: async () => (await signRound(fleet, PIPELINE_TOKEN_ENDPOINT)).map((jwt) => asReceived(tokenRequestBody(jwt).toString())),
    run: async (formBody) => {
      const response = await pipeline.issue(formBody);
      if (!response.access_token) throw new Error('pipeline: no access token');
    },
  };
}

/** pkijs + jose (bench/naive-token.ts) on the same assertions. */
export function naiveContender(fleet: TokenFleet, signingKey: KeyObject): Contender<string> {
  const issuer = PIPELINE_TOKEN_ENDPOINT.replace(/\/oauth2\/token$/, '');
  const issue = naiveTokenIssuer({ root: fleet.root.der, audience: PIPELINE_TOKEN_ENDPOINT, issuer, alg: fleet.alg, signingKey });
  return {
    name: 'naive',
    nextRound: async () => (await signRound(fleet, PIPELINE_TOKEN_ENDPOINT)).map(asReceived),
    run: async (assertion) => {
      if (!(await issue(assertion))) throw new Error('naive: no access token');
    },
  };
}

/**
 * The text as a function receives it: one flat string decoded from the
 * request. The client's serialisers build their output piece by piece (a
 * rope of many parts), which the first reader would otherwise pay to flatten.
 */
function asReceived(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** The signing input of an access token as the pipeline's signs it (RFC 9068 claims, about 500 bytes). */
function tokenSizedSigningInput(signingKey: KeyObject): Buffer {
  const issuer = PIPELINE_TOKEN_ENDPOINT.replace(/\/oauth2\/token$/, '');
  const sample = es256Jws(
    signingKey,
    { alg: 'ES256', kid: 'bench-local-p256', typ: 'at+jwt' },
    {
      iss: issuer,
      sub: 'bench-device-00001',
      aud: issuer,
      client_id: 'client',
      scope: 'device',
      iat: 1_900_000_000,
      exp: 1_900_003_600,
      jti: '00000000-0000-4000-8000-000000000000',
      org_id: 'acme',
      env_id: 'prod',
      business_unit_id: 'Business Unit ID',
      cnf: { 'x5t#S256': 'A'.repeat(43) },
    },
  );
  return Buffer.from(sample.slice(0, sample.lastIndexOf('.')));
}

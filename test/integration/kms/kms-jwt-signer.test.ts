import { randomUUID } from 'node:crypto';
import { CreateAliasCommand, CreateKeyCommand, GetPublicKeyCommand, type KeySpec, type KMS, SignCommand } from '@aws-sdk/client-kms';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { jwkThumbprint } from '../../../src/crypto/jwk-thumbprint';
import { KmsJwtSigner } from '../../../src/crypto/kms-signer';
import { SigningError } from '../../../src/crypto/signing-error';
import { type LocalKms, localKmsClient, startLocalKms } from './local-kms';

const ISSUER = 'https://idp.example.test/pools/pool-1';
let local: LocalKms;
const keyIds = new Map<string, string>();

beforeAll(async () => {
  local = await startLocalKms();
  for (const keySpec of ['ECC_NIST_P256', 'ECC_NIST_P384', 'RSA_2048'] as KeySpec[]) {
    const { KeyMetadata } = await local.kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY' }));
    keyIds.set(keySpec, KeyMetadata!.KeyId!);
  }
});
afterAll(() => local.stop());

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, sub: 'device-1', aud: ISSUER, client_id: 'app', scope: 'device', iat: now, exp: now + 3600, jti: randomUUID(), ...extra };
}

/** A real client that records (and optionally rewrites) what crosses the SDK boundary. */
function recordingClient(rewrite?: (command: string, output: Record<string, unknown>) => void) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  const kms: KMS = localKmsClient(local.server.url);
  kms.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      const result = await next(args);
      rewrite?.(String(context.commandName), result.output as unknown as Record<string, unknown>);
      return result;
    },
    { step: 'initialize' },
  );
  return { kms, calls };
}

describe('KmsJwtSigner', () => {
  it.each([
    ['ECC_NIST_P256', 'ES256', { kty: 'EC', crv: 'P-256' }],
    ['ECC_NIST_P384', 'ES384', { kty: 'EC', crv: 'P-384' }],
    ['RSA_2048', 'RS256', { kty: 'RSA', e: 'AQAB' }],
  ])('%s: jose verifies the %s token against the JWKS', async (keySpec, alg, jwkShape) => {
    const signer = new KmsJwtSigner(local.kms, keyIds.get(keySpec)!);
    const payload = claims({ cnf: { 'x5t#S256': 'abc' } });
    const token = await signer.sign({ typ: 'at+jwt' }, payload);
    const description = await signer.describe();
    const { jwk } = description;

    expect(jwk).toMatchObject({ ...jwkShape, alg, use: 'sig', kid: jwkThumbprint(jwk as unknown as Record<string, unknown>) });
    expect(Object.keys(jwk).sort()).toEqual([...Object.keys(jwkShape), ...(jwk.kty === 'EC' ? ['x', 'y'] : ['n']), 'kid', 'alg', 'use'].sort());

    const verified = await jwtVerify(token, createLocalJWKSet({ keys: [jwk] }), { issuer: ISSUER, audience: ISSUER, typ: 'at+jwt', algorithms: [alg] });
    expect(verified.payload).toEqual(payload);
    expect(verified.protectedHeader).toEqual({ alg, kid: jwk.kid, typ: 'at+jwt' });
    expect(Object.keys(decodeProtectedHeader(token))).toEqual(['alg', 'kid', 'typ']);

    expect(description).toEqual({ keyArn: expect.stringContaining(keyIds.get(keySpec)!), keySpec, alg, kid: jwk.kid, jwk });
  });

  it('gives the same kid whether the key is named by id or by alias', async () => {
    await local.kms.send(new CreateAliasCommand({ AliasName: 'alias/signer-test', TargetKeyId: keyIds.get('ECC_NIST_P256') }));
    const byId = await new KmsJwtSigner(local.kms, keyIds.get('ECC_NIST_P256')!).describe();
    const byAlias = await new KmsJwtSigner(local.kms, 'alias/signer-test').describe();
    expect(byAlias).toEqual(byId);
  });

  it('signs a signing input over 4096 bytes as a DIGEST and a small one as RAW', async () => {
    const { kms, calls } = recordingClient();
    const signer = new KmsJwtSigner(kms, keyIds.get('ECC_NIST_P256')!);
    const big = claims({ padding: 'x'.repeat(5000) });
    const tokens = [await signer.sign({ typ: 'at+jwt' }, claims()), await signer.sign({ typ: 'at+jwt' }, big)];
    kms.destroy();

    const signs = calls.filter((c) => c.command === 'SignCommand').map((c) => c.input);
    expect(signs.map((input) => input.MessageType)).toEqual(['RAW', 'DIGEST']);
    expect((signs[1].Message as Uint8Array).length).toBe(32);
    const jwks = createLocalJWKSet({ keys: [(await signer.describe()).jwk] });
    for (const token of tokens) await expect(jwtVerify(token, jwks)).resolves.toBeDefined();
    expect((await jwtVerify(tokens[1], jwks)).payload.padding).toBe(big.padding);
  });

  it('calls GetPublicKey once, even for concurrent first requests', async () => {
    const { kms, calls } = recordingClient();
    const signer = new KmsJwtSigner(kms, keyIds.get('ECC_NIST_P256')!);
    await Promise.all(Array.from({ length: 10 }, () => signer.sign({ typ: 'at+jwt' }, claims())));
    await signer.describe();
    kms.destroy();
    expect(calls.filter((c) => c.command === 'GetPublicKeyCommand')).toHaveLength(1);
    expect(calls.filter((c) => c.command === 'SignCommand')).toHaveLength(10);
  });

  it.each(['ECC_NIST_P256', 'RSA_2048'])('%s: never returns a token whose KMS signature does not verify', async (keySpec) => {
    const { kms } = recordingClient((command, output) => {
      if (command === 'SignCommand') {
        const signature = output.Signature as Uint8Array;
        signature[signature.length - 1] ^= 0x01;
      }
    });
    const signer = new KmsJwtSigner(kms, keyIds.get(keySpec)!);
    await expect(signer.sign({ typ: 'at+jwt' }, claims())).rejects.toMatchObject({ name: 'SigningError', code: 'invalid_kms_response' });
    kms.destroy();
  });

  it('refuses a KMS answer that signed with another algorithm', async () => {
    const { kms } = recordingClient((command, output) => {
      if (command === 'SignCommand') output.SigningAlgorithm = 'ECDSA_SHA_384';
    });
    const signer = new KmsJwtSigner(kms, keyIds.get('ECC_NIST_P256')!);
    await expect(signer.sign({}, claims())).rejects.toThrow(SigningError);
    kms.destroy();
  });

  it('refuses a malformed DER signature from KMS as invalid_kms_response', async () => {
    const { kms } = recordingClient((command, output) => {
      if (command === 'SignCommand') output.Signature = Uint8Array.from([0x30, 0x00]);
    });
    const signer = new KmsJwtSigner(kms, keyIds.get('ECC_NIST_P256')!);
    await expect(signer.sign({}, claims())).rejects.toMatchObject({ code: 'invalid_kms_response' });
    kms.destroy();
  });

  it('refuses alg or kid from the caller', async () => {
    const signer = new KmsJwtSigner(local.kms, keyIds.get('ECC_NIST_P256')!);
    await expect(signer.sign({ alg: 'none' } as never, claims())).rejects.toThrow(TypeError);
    await expect(signer.sign({ kid: 'mine' } as never, claims())).rejects.toThrow(TypeError);
  });

  it('lets the SDK error of an unknown key propagate unchanged', async () => {
    const signer = new KmsJwtSigner(local.kms, 'alias/does-not-exist');
    await expect(signer.sign({}, claims())).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('GetPublicKey and Sign are the only KMS calls', async () => {
    const { kms, calls } = recordingClient();
    await new KmsJwtSigner(kms, keyIds.get('RSA_2048')!).sign({}, claims());
    kms.destroy();
    expect(calls.map((c) => c.command)).toEqual([GetPublicKeyCommand.name, SignCommand.name]);
  });
});

import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startKmsServer } from '../../../local/kms/kms-server';
import { AWS_CLIENT_DEFAULTS as KMS_CLIENT_DEFAULTS } from '../../../src/aws-client-defaults';
import { KmsJwtSigner } from '../../../src/crypto/kms-signer';
import { localKmsClient, startSilentEndpoint, useKmsDataDir } from './local-kms';

/** The recommended settings, with shorter timeouts so the test stays fast. */
const FAST_FAIL = {
  maxAttempts: KMS_CLIENT_DEFAULTS.maxAttempts,
  requestHandler: { ...KMS_CLIENT_DEFAULTS.requestHandler, connectionTimeout: 300, requestTimeout: 500 },
};

async function timed(promise: Promise<unknown>): Promise<{ error: Error & { code?: string }; ms: number }> {
  const start = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: Date.now() - start };
  }
  throw new Error('expected a rejection');
}

describe('KMS unavailable', () => {
  const data = useKmsDataDir();

  it('a closed port rejects quickly, and the signer recovers once KMS is back', async () => {
    const first = await startKmsServer({ port: 0, dataDir: data.path });
    const setup = localKmsClient(first.url);
    const { KeyMetadata } = await setup.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    setup.destroy();
    await first.close();

    const kms = localKmsClient(first.url, FAST_FAIL);
    const signer = new KmsJwtSigner(kms, KeyMetadata!.KeyId!);
    const { error, ms } = await timed(signer.sign({ typ: 'at+jwt' }, { sub: 'device-1' }));
    // Outside jest error.code is 'ECONNREFUSED'; jest's VM realm makes the SDK re-wrap the
    // Node error (smithy asSdkError: not instanceof Error), which keeps only the text.
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(2);
    expect(ms).toBeLessThan(2_000);

    // Same port, same data: the failed GetPublicKey was not cached.
    const second = await startKmsServer({ port: first.port, dataDir: data.path });
    try {
      const token = await signer.sign({ typ: 'at+jwt' }, { sub: 'device-1' });
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [(await signer.describe()).jwk] }));
      expect(payload.sub).toBe('device-1');
    } finally {
      kms.destroy();
      await second.close();
    }
  });

  it('an endpoint that accepts but never answers rejects after requestTimeout × maxAttempts', async () => {
    const silent = await startSilentEndpoint();
    const kms = localKmsClient(silent.url, FAST_FAIL);
    try {
      const { error, ms } = await timed(new KmsJwtSigner(kms, 'alias/any').sign({}, { sub: 'device-1' }));
      expect(error.name).toBe('TimeoutError');
      expect(ms).toBeGreaterThanOrEqual(2 * 500 - 50);
      expect(ms).toBeLessThan(4_000);
      expect(silent.sockets.size).toBe(2);
    } finally {
      kms.destroy();
      await silent.close();
    }
  });

  it('the recommended client settings bound retries and timeouts', async () => {
    const kms = localKmsClient('http://127.0.0.1:1', { ...KMS_CLIENT_DEFAULTS });
    expect(await kms.config.maxAttempts()).toBe(2);
    kms.destroy();
    expect(KMS_CLIENT_DEFAULTS.requestHandler).toEqual({ connectionTimeout: 1000, requestTimeout: 3000, socketTimeout: 3000, throwOnRequestTimeout: true });
  });
});

import { createPublicKey, verify } from 'node:crypto';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KmsSigningClient } from '../../../src/aws-json/kms-signing-client';
import { type LocalKms, rejection, startLocalKms, startSilentEndpoint } from '../kms/local-kms';

/*
 * The token function's KMS client (src/aws-json/kms-signing-client.ts)
 * against the local KMS endpoint and the SDK's KMS client on it: the same
 * answers, and the same bounded failure (attempts, timeouts, throttling) as
 * the settings of src/aws-client-defaults.ts give the SDK's clients.
 */

const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
/** src/aws-client-defaults.ts with shorter timeouts, so the test stays fast. */
const fastFail = () => new NodeHttpHandler({ connectionTimeout: 300, requestTimeout: 500, throwOnRequestTimeout: true } as never);

let local: LocalKms;
let keyId: string;

beforeAll(async () => {
  local = await startLocalKms();
  keyId = (await local.kms.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata?.KeyId as string;
});
afterAll(() => local.stop());

const lean = (overrides: ConstructorParameters<typeof KmsSigningClient>[0] = {}) =>
  new KmsSigningClient({ ...LOCAL, endpoint: new URL(local.server.url), ...overrides });

const withoutMetadata = <T extends { $metadata?: unknown }>({ $metadata: _metadata, ...rest }: T) => rest;

describe('KmsSigningClient', () => {
  it('answers GetPublicKey and DescribeKey as the SDK does, and signs what the public key verifies', async () => {
    const client = lean();
    expect(withoutMetadata(await client.getPublicKey({ KeyId: keyId }))).toEqual(withoutMetadata(await local.kms.getPublicKey({ KeyId: keyId })));
    const described = await client.describeKey({ KeyId: keyId });
    expect(withoutMetadata(described)).toEqual(withoutMetadata(await local.kms.describeKey({ KeyId: keyId })));
    expect(described.KeyMetadata?.CreationDate).toBeInstanceOf(Date);

    const message = Buffer.from('header.payload');
    const signed = await client.sign({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(signed.Signature).toBeInstanceOf(Uint8Array);
    expect(signed.SigningAlgorithm).toBe('ECDSA_SHA_256');
    const { PublicKey } = await client.getPublicKey({ KeyId: keyId });
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey as Uint8Array), format: 'der', type: 'spki' });
    expect(verify('sha256', message, publicKey, Buffer.from(signed.Signature as Uint8Array))).toBe(true);
    expect(verify('sha256', Buffer.from('header.other'), publicKey, Buffer.from(signed.Signature as Uint8Array))).toBe(false);
  });

  it('answers a service error by its type, as the SDK does', async () => {
    const error = await rejection(lean().describeKey({ KeyId: 'alias/does-not-exist' }));
    const sdkError = await rejection(local.kms.describeKey({ KeyId: 'alias/does-not-exist' }));
    expect(error.name).toBe('NotFoundException');
    expect([error.name, error.message, error.$metadata?.httpStatusCode]).toEqual([sdkError.name, sdkError.message, sdkError.$metadata?.httpStatusCode]);
    expect(error.$metadata?.attempts).toBe(1);
  });

  it('retries a ThrottlingException once, and fails with it when the retry is throttled too', async () => {
    local.server.injectFault('Sign', { type: 'ThrottlingException' }, 1);
    const retried = await lean().sign({ KeyId: keyId, Message: Buffer.from('x'), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(retried.$metadata.attempts).toBe(2);
    expect(retried.$metadata.totalRetryDelay).toBeGreaterThan(0);

    local.server.injectFault('Sign', { type: 'ThrottlingException' }, 2);
    const error = await rejection(lean().sign({ KeyId: keyId, Message: Buffer.from('x'), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 2 });
    expect(local.server.pendingFaults('Sign')).toBe(0);
  });

  it('a closed port fails after two attempts, quickly', async () => {
    const started = Date.now();
    const error = await rejection(lean({ endpoint: new URL('http://127.0.0.1:1'), requestHandler: fastFail() }).describeKey({ KeyId: keyId }));
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.$metadata?.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an endpoint that accepts but never answers fails after requestTimeout × attempts, one connection each', async () => {
    const silent = await startSilentEndpoint();
    try {
      const started = Date.now();
      const error = await rejection(lean({ endpoint: new URL(silent.url), requestHandler: fastFail() }).describeKey({ KeyId: keyId }));
      expect(error.name).toBe('TimeoutError');
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 500 - 50);
      expect(silent.sockets.size).toBe(2);
    } finally {
      await silent.close();
    }
  });

  it('an abort during the backoff after a throttled attempt ends the call at once, without a second attempt', async () => {
    local.server.injectFault('DescribeKey', { type: 'ThrottlingException' }, 2);
    const controller = new AbortController();
    const real = new NodeHttpHandler();
    let sent = 0;
    const requestHandler = {
      handle: async (...args: Parameters<NodeHttpHandler['handle']>) => {
        sent++;
        const answer = await real.handle(...args);
        setTimeout(() => controller.abort(), 5);
        return answer;
      },
    };
    const started = Date.now();
    const error = await rejection(lean({ requestHandler }).describeKey({ KeyId: keyId }, { abortSignal: controller.signal }));
    expect(error.name).toBe('AbortError');
    expect(sent).toBe(1);
    // The throttling backoff is hundreds of milliseconds; the abort came 5 ms into it.
    expect(Date.now() - started).toBeLessThan(250);
    expect(local.server.pendingFaults('DescribeKey')).toBe(1);
    local.server.clearFaults('DescribeKey');
  });
});

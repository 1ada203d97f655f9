import { CreateKeyCommand, DescribeKeyCommand, GetPublicKeyCommand, KMSServiceException, ScheduleKeyDeletionCommand, SignCommand } from '@aws-sdk/client-kms';
import { type LocalKms, localKmsClient, rejection, startLocalKms } from './local-kms';

let local: LocalKms;
let keyId: string;

beforeAll(async () => {
  local = await startLocalKms();
  keyId = (await local.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
});
afterEach(() => local.server.clearFaults());
afterAll(() => local.stop());

const sign = (kms = local.kms) => kms.send(new SignCommand({ KeyId: keyId, SigningAlgorithm: 'ECDSA_SHA_256', Message: Buffer.from('m') }));

describe('fault injection (server.injectFault)', () => {
  it('the next call answers ThrottlingException with HTTP 400; the SDK (maxAttempts 1) surfaces it; the call after succeeds', async () => {
    local.server.injectFault('Sign', { type: 'ThrottlingException', message: 'Rate exceeded' });
    expect(local.server.pendingFaults('Sign')).toBe(1);

    const error = await rejection(sign());
    expect(error).toBeInstanceOf(KMSServiceException);
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    expect(local.server.pendingFaults()).toBe(0);
    await expect(sign()).resolves.toMatchObject({ SigningAlgorithm: 'ECDSA_SHA_256' });
  });

  it('the SDK retries a throttled call and succeeds once the injected failures are used up', async () => {
    const kms = localKmsClient(local.server.url, { maxAttempts: 3 });
    try {
      local.server.injectFault('Sign', { type: 'ThrottlingException' }, 2);
      const signed = await sign(kms);
      expect(signed.$metadata.attempts).toBe(3);
      expect(local.server.pendingFaults('Sign')).toBe(0);
    } finally {
      kms.destroy();
    }
  });

  it('more failures than attempts: ThrottlingException after the SDK retries, the rest stay armed', async () => {
    const kms = localKmsClient(local.server.url, { maxAttempts: 2 });
    try {
      local.server.injectFault('Sign', { type: 'ThrottlingException' }, 5);
      const error = await rejection(sign(kms));
      expect(error.name).toBe('ThrottlingException');
      expect(error.$metadata?.attempts).toBe(2);
      expect(local.server.pendingFaults('Sign')).toBe(3);
    } finally {
      kms.destroy();
    }
  });

  it('any KMS error and status: KMSInternalException with 500', async () => {
    local.server.injectFault('GetPublicKey', { type: 'KMSInternalException', status: 500 });
    const error = await rejection(local.kms.send(new GetPublicKeyCommand({ KeyId: keyId })));
    expect(error.name).toBe('KMSInternalException');
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it('only the named operation fails, and faults for one operation fire in the order they were armed', async () => {
    local.server.injectFault('Sign', { type: 'ThrottlingException' });
    local.server.injectFault('Sign', { type: 'DependencyTimeoutException', status: 500 }, 2);
    await expect(local.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).resolves.toBeDefined();
    await expect(local.kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).resolves.toBeDefined();
    const names = [];
    for (let i = 0; i < 4; i++)
      names.push(
        await sign().then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      );
    expect(names).toEqual(['ThrottlingException', 'DependencyTimeoutException', 'DependencyTimeoutException', 'ok']);
  });

  it('an injected failure is answered before the operation runs: the key state does not change', async () => {
    const { KeyMetadata } = await local.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    local.server.injectFault('ScheduleKeyDeletion', { type: 'ThrottlingException' });
    expect((await rejection(local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: KeyMetadata!.KeyId })))).name).toBe('ThrottlingException');
    expect((await local.kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata!.KeyState).toBe('Enabled');
  });

  it('clearFaults disarms', async () => {
    local.server.injectFault('Sign', { type: 'ThrottlingException' }, 3);
    local.server.injectFault('DescribeKey', { type: 'ThrottlingException' });
    local.server.clearFaults('Sign');
    expect(local.server.pendingFaults()).toBe(1);
    await expect(sign()).resolves.toBeDefined();
    local.server.clearFaults();
    await expect(local.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).resolves.toBeDefined();
  });

  it.each([
    ['an operation the local KMS does not implement', () => local.server.injectFault('Encrypt', { type: 'ThrottlingException' })],
    ['a misspelt operation', () => local.server.injectFault('sign', { type: 'ThrottlingException' })],
    ['zero times', () => local.server.injectFault('Sign', { type: 'ThrottlingException' }, 0)],
    ['a success status', () => local.server.injectFault('Sign', { type: 'ThrottlingException', status: 200 })],
    ['an empty error code', () => local.server.injectFault('Sign', { type: '' })],
  ])('refuses %s', (_name, arm) => {
    expect(arm).toThrow(TypeError);
    expect(local.server.pendingFaults()).toBe(0);
  });

  it('cannot be armed over HTTP: the server has no such operation', async () => {
    const res = await fetch(local.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.injectFault' },
      body: JSON.stringify({ operation: 'Sign', fault: { type: 'ThrottlingException' } }),
    });
    expect(res.headers.get('x-amzn-errortype')).toBe('UnsupportedOperationException');
    expect(local.server.pendingFaults()).toBe(0);
    await expect(sign()).resolves.toBeDefined();
  });
});

import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  NotFoundException,
  SignCommand,
  type SigningAlgorithmSpec,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import { type LocalKms, startLocalKms } from './local-kms';

let local: LocalKms;
let p256: string;
let rsa: string;

beforeAll(async () => {
  local = await startLocalKms();
  const created = async (KeySpec: 'ECC_NIST_P256' | 'RSA_2048') =>
    (await local.kms.send(new CreateKeyCommand({ KeySpec, KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
  p256 = await created('ECC_NIST_P256');
  rsa = await created('RSA_2048');
});
afterAll(() => local.stop());

async function sdkError(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('errors through the AWS SDK', () => {
  it.each([
    ['an unknown key id', '6f1c3c5e-0000-4000-8000-000000000000'],
    ['a malformed key id', '../../etc/passwd'],
    ['an ARN of another region', 'arn:aws:kms:eu-west-1:000000000000:key/KEY'],
    ['an unknown alias', 'alias/nope'],
  ])('%s is NotFoundException', async (_name, keyId) => {
    const error = await sdkError(local.kms.send(new GetPublicKeyCommand({ KeyId: keyId.replace('KEY', p256) })));
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.name).toBe('NotFoundException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it.each([
    ['an RSA algorithm on an EC key', () => p256, 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['ECDSA_SHA_384 on a P-256 key', () => p256, 'ECDSA_SHA_384'],
    ['ECDSA on an RSA key', () => rsa, 'ECDSA_SHA_256'],
  ])('%s is InvalidKeyUsageException', async (_name, keyId, algorithm) => {
    const error = await sdkError(
      local.kms.send(new SignCommand({ KeyId: keyId(), SigningAlgorithm: algorithm as SigningAlgorithmSpec, Message: Buffer.from('m') })),
    );
    expect(error).toBeInstanceOf(InvalidKeyUsageException);
    expect(error.message).toContain(algorithm);
  });

  it.each([
    ['an unknown signing algorithm', { SigningAlgorithm: 'ECDSA_SHA_1' }, /signingAlgorithm/],
    ['a RAW message over 4096 bytes', { Message: Buffer.alloc(4097) }, /length between 1 and 4096/],
    ['a DIGEST of the wrong length', { MessageType: 'DIGEST', Message: Buffer.alloc(48) }, /Digest is invalid length/],
    ['an unknown message type', { MessageType: 'HASHED' }, /messageType/],
  ])('%s is ValidationException', async (_name, override, message) => {
    const input = { KeyId: p256, SigningAlgorithm: 'ECDSA_SHA_256', Message: Buffer.from('m'), ...override };
    const error = await sdkError(local.kms.send(new SignCommand(input as ConstructorParameters<typeof SignCommand>[0])));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(message);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it.each([
    ['a symmetric key', { KeySpec: 'SYMMETRIC_DEFAULT' }],
    ['a signing key spec without KeyUsage', { KeySpec: 'ECC_NIST_P256' }],
    ['an EC key for ENCRYPT_DECRYPT', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' }],
  ] as [string, CreateKeyCommandInput][])('CreateKey of %s is ValidationException', async (_name, input) => {
    const error = await sdkError(local.kms.send(new CreateKeyCommand(input)));
    expect(error.name).toBe('ValidationException');
  });

  it('an operation the local KMS does not implement is UnsupportedOperationException', async () => {
    const error = await sdkError(local.kms.send(new EncryptCommand({ KeyId: p256, Plaintext: Buffer.from('x') })));
    expect(error).toBeInstanceOf(UnsupportedOperationException);
  });

  it('CreateAlias refuses duplicates, reserved names and unknown targets', async () => {
    await local.kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: p256 }));
    const duplicate = await sdkError(local.kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: rsa })));
    expect(duplicate).toBeInstanceOf(AlreadyExistsException);
    const reserved = await sdkError(local.kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/kms', TargetKeyId: p256 })));
    expect(reserved.name).toBe('InvalidAliasNameException');
    const unknown = await sdkError(local.kms.send(new CreateAliasCommand({ AliasName: 'alias/x', TargetKeyId: 'alias/dup' })));
    expect(unknown).toBeInstanceOf(NotFoundException);
    // The refused duplicate did not retarget the alias.
    const { KeyMetadata } = await local.kms.send(new DescribeKeyCommand({ KeyId: 'alias/dup' }));
    expect(KeyMetadata!.KeyId).toBe(p256);
  });
});

describe('malformed requests on the wire', () => {
  async function post(target: string | undefined, body: string, method = 'POST') {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
    if (target) headers['x-amz-target'] = target;
    const res = await fetch(local.server.url, { method, headers, body: method === 'GET' ? undefined : body });
    return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), body: (await res.json()) as Record<string, unknown> };
  }

  it.each([
    ['a target outside TrentService', 'DynamoDB_20120810.GetItem', '{}', 'UnknownOperationException'],
    ['no target', undefined, '{}', 'UnknownOperationException'],
    ['an unknown TrentService operation', 'TrentService.Frobnicate', '{}', 'UnsupportedOperationException'],
    ['invalid JSON', 'TrentService.DescribeKey', '{"KeyId":', 'SerializationException'],
    ['a JSON array', 'TrentService.DescribeKey', '[]', 'SerializationException'],
    ['a non-string KeyId', 'TrentService.DescribeKey', '{"KeyId":42}', 'SerializationException'],
    ['a prototype key as operation', 'TrentService.constructor', '{}', 'UnsupportedOperationException'],
    ['a missing KeyId', 'TrentService.DescribeKey', '{}', 'ValidationException'],
  ])('%s → 400 %s', async (_name, target, body, type) => {
    const res = await post(target, body);
    expect(res).toEqual({ status: 400, errorType: type, body: { __type: type, message: expect.any(String) } });
  });

  it('a Message that is not base64 is SerializationException', async () => {
    const body = JSON.stringify({ KeyId: p256, SigningAlgorithm: 'ECDSA_SHA_256', Message: 'not base64!' });
    expect((await post('TrentService.Sign', body)).errorType).toBe('SerializationException');
  });

  it('a GET is refused', async () => {
    expect((await post('TrentService.DescribeKey', '', 'GET')).status).toBe(400);
  });

  it('a body over 64 KiB is refused with 413 without buffering it', async () => {
    const res = await post('TrentService.DescribeKey', JSON.stringify({ KeyId: 'x'.repeat(200_000) }));
    expect(res).toMatchObject({ status: 413, errorType: 'ValidationException' });
  });

  it('keeps serving after all of the above', async () => {
    const { KeyMetadata } = await local.kms.send(new DescribeKeyCommand({ KeyId: p256 }));
    expect(KeyMetadata!.KeyId).toBe(p256);
  });
});

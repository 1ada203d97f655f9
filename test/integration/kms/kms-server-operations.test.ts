import { constants, createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  type KeySpec,
  SignCommand,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { derToJose } from '../../../src/crypto/ecdsa-der-to-jose';
import { type LocalKms, localKmsClient, startLocalKms } from './local-kms';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Deliberate restatement: the AWS KMS SigningAlgorithms of RSA keys, independent of local/kms/key-specs.ts, so a wrong entry there fails here.
const RSA_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];

const CASES: { keySpec: KeySpec; algorithms: string[]; details: object }[] = [
  { keySpec: 'ECC_NIST_P256', algorithms: ['ECDSA_SHA_256'], details: { namedCurve: 'prime256v1' } },
  { keySpec: 'ECC_NIST_P384', algorithms: ['ECDSA_SHA_384'], details: { namedCurve: 'secp384r1' } },
  { keySpec: 'ECC_NIST_P521', algorithms: ['ECDSA_SHA_512'], details: { namedCurve: 'secp521r1' } },
  { keySpec: 'RSA_2048', algorithms: RSA_ALGORITHMS, details: { modulusLength: 2048 } },
  { keySpec: 'RSA_4096', algorithms: RSA_ALGORITHMS, details: { modulusLength: 4096 } },
];

let local: LocalKms;
const keys = new Map<string, { keyId: string; arn: string; publicKey: KeyObject }>();

beforeAll(async () => {
  local = await startLocalKms();
});
afterAll(() => local.stop());

describe('CreateKey, DescribeKey and GetPublicKey', () => {
  it.each(CASES)('$keySpec', async ({ keySpec, algorithms, details }) => {
    const before = Date.now();
    const created = await local.kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY', Description: `test ${keySpec}` }));
    const metadata = created.KeyMetadata!;
    expect(metadata.KeyId).toMatch(UUID);
    expect(metadata).toMatchObject({
      AWSAccountId: '000000000000',
      Arn: `arn:aws:kms:us-east-1:000000000000:key/${metadata.KeyId}`,
      KeySpec: keySpec,
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: algorithms,
      Enabled: true,
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      Description: `test ${keySpec}`,
    });
    expect(metadata.CreationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(metadata.CreationDate!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const byId = await local.kms.send(new DescribeKeyCommand({ KeyId: metadata.KeyId }));
    const byArn = await local.kms.send(new DescribeKeyCommand({ KeyId: metadata.Arn }));
    expect(byId.KeyMetadata).toEqual(metadata);
    expect(byArn.KeyMetadata).toEqual(metadata);

    const pub = await local.kms.send(new GetPublicKeyCommand({ KeyId: metadata.KeyId }));
    expect(pub).toMatchObject({ KeyId: metadata.Arn, KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: algorithms });
    const publicKey = createPublicKey({ key: Buffer.from(pub.PublicKey!), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyDetails).toMatchObject(details);
    keys.set(keySpec, { keyId: metadata.KeyId!, arn: metadata.Arn!, publicKey });
  });

  it('names ARNs after the region of the SigV4 credential scope', async () => {
    const kms = localKmsClient(local.server.url, { region: 'eu-west-1' });
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    kms.destroy();
    expect(KeyMetadata!.Arn).toBe(`arn:aws:kms:eu-west-1:000000000000:key/${KeyMetadata!.KeyId}`);
  });
});

describe('Sign', () => {
  const message = Buffer.from('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtMSJ9');
  const digestOf = (algorithm: string): string => `sha${algorithm.slice(-3)}`;

  const signCases = CASES.flatMap(({ keySpec, algorithms }) =>
    algorithms.flatMap((algorithm) => (['RAW', 'DIGEST'] as const).map((messageType) => ({ keySpec, algorithm, messageType }))),
  );

  it.each(signCases)('$keySpec $algorithm $messageType verifies with node:crypto', async ({ keySpec, algorithm, messageType }) => {
    const key = keys.get(keySpec)!;
    const digest = digestOf(algorithm);
    const out = await local.kms.send(
      new SignCommand({
        KeyId: key.keyId,
        SigningAlgorithm: algorithm as SigningAlgorithmSpec,
        MessageType: messageType,
        Message: messageType === 'RAW' ? message : createHash(digest).update(message).digest(),
      }),
    );
    expect(out.KeyId).toBe(key.arn);
    expect(out.SigningAlgorithm).toBe(algorithm);
    const signature = Buffer.from(out.Signature!);
    // KMS uses a salt as long as the digest for RSASSA-PSS; verify exactly that, not "auto".
    const verifyKey = algorithm.startsWith('RSASSA_PSS')
      ? { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(digest).digest().length }
      : key.publicKey;
    expect(verify(digest, message, verifyKey, signature)).toBe(true);
    expect(verify(digest, Buffer.from('another message'), verifyKey, signature)).toBe(false);
    if (algorithm.startsWith('ECDSA')) {
      // DER like real KMS: the strict parser accepts it.
      const alg = ({ ECDSA_SHA_256: 'ES256', ECDSA_SHA_384: 'ES384', ECDSA_SHA_512: 'ES512' } as const)[algorithm]!;
      expect(() => derToJose(signature, alg)).not.toThrow();
    }
  });

  it('accepts a RAW message of exactly 4096 bytes', async () => {
    const Message = Buffer.alloc(4096, 0x61);
    const out = await local.kms.send(new SignCommand({ KeyId: keys.get('ECC_NIST_P256')!.keyId, SigningAlgorithm: 'ECDSA_SHA_256', Message }));
    expect(verify('sha256', Message, keys.get('ECC_NIST_P256')!.publicKey, Buffer.from(out.Signature!))).toBe(true);
  });
});

describe('CreateAlias', () => {
  it('makes a key addressable by alias name and alias ARN', async () => {
    const key = keys.get('ECC_NIST_P256')!;
    await local.kms.send(new CreateAliasCommand({ AliasName: 'alias/test-signing', TargetKeyId: key.arn }));

    const byAlias = await local.kms.send(new DescribeKeyCommand({ KeyId: 'alias/test-signing' }));
    const byAliasArn = await local.kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:000000000000:alias/test-signing' }));
    expect(byAlias.KeyMetadata!.KeyId).toBe(key.keyId);
    expect(byAliasArn.KeyMetadata!.KeyId).toBe(key.keyId);

    const signed = await local.kms.send(new SignCommand({ KeyId: 'alias/test-signing', SigningAlgorithm: 'ECDSA_SHA_256', Message: Buffer.from('x') }));
    expect(signed.KeyId).toBe(key.arn);
    expect(verify('sha256', Buffer.from('x'), key.publicKey, Buffer.from(signed.Signature!))).toBe(true);
  });
});

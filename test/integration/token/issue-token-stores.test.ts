import { createHash } from 'node:crypto';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { KmsJwtSigner } from '../../../src/crypto/kms-signer';
import { DomainError } from '../../../src/errors';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoReplayCache } from '../../../src/storage/dynamo-replay-cache';
import { DynamoTrustStoreRepository } from '../../../src/storage/dynamo-trust-store-repository';
import { keys } from '../../../src/storage/keys';
import { IssueToken } from '../../../src/usecases/issue-token';
import { signAssertion } from '../../support/device-client';
import { createTestTable, testDocumentClient } from '../../support/emulators';
import { TEST_NOW, type TestCertificate, makeIntermediate, makeLeaf, makeRoot } from '../../support/pki';
import { type LocalKms, startLocalKms } from '../kms/local-kms';

/*
 * IssueToken with the real DynamoDB adapters (DynamoDB Local, table from the
 * stack's schema) and the real KMS signer (local KMS endpoint), driven by one
 * controllable clock: the replay window and the stored records are checked
 * at exact instants rather than against the wall clock.
 */
describe('IssueToken against DynamoDB Local and the local KMS', () => {
  const POOL = 'pool-integration';
  const BASE = 'https://idp.example.com';
  const ISSUER = `${BASE}/pools/${POOL}`;
  let now = TEST_NOW;
  const clock = () => now;
  const T = () => Math.floor(now.getTime() / 1000);

  let tableName: string;
  let kms: LocalKms;
  let signer: KmsJwtSigner;
  let issue: IssueToken;
  let devices: DynamoDeviceRepository;
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;

  beforeAll(async () => {
    tableName = await createTestTable();
    const client = testDocumentClient();
    kms = await startLocalKms();
    const { KeyMetadata } = await kms.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    signer = new KmsJwtSigner(kms.kms, KeyMetadata!.KeyId!);

    const directory = new DynamoDirectoryRepository(client, tableName);
    await directory.createOrg({ orgId: 'acme', name: 'Acme', createdAt: TEST_NOW.toISOString() });
    await directory.createEnvironment({ orgId: 'acme', envId: 'prod', name: 'prod', clientPoolId: POOL, createdAt: TEST_NOW.toISOString() });

    root = await makeRoot({ cn: 'Acme Root' });
    intermediate = await makeIntermediate(root, { cn: 'Acme Devices', o: 'Acme' });
    device = await makeLeaf(intermediate, { cn: 'device-1', o: 'Stores North' });
    const trustStore = new DynamoTrustStoreRepository(client, tableName);
    await trustStore.putRoot(POOL, {
      fingerprint: createHash('sha256').update(root.der).digest('hex'),
      subject: 'CN=Acme Root',
      notBefore: '2000-01-01T00:00:00.000Z',
      notAfter: '2099-12-31T23:59:59.000Z',
      filename: 'root.crt',
      uploadedAt: TEST_NOW.toISOString(),
      der: Buffer.from(root.der).toString('base64'),
      objectKey: 'unused',
    });

    devices = new DynamoDeviceRepository(client, tableName);
    const at = TEST_NOW.toISOString();
    await devices.putBinding(
      POOL,
      { deviceId: 'device-1', orgId: 'acme', envId: 'prod', preRegistered: false, createdAt: at },
      { deviceId: 'device-1', clientAppId: 'client', scopes: ['device'], createdAt: at, updatedAt: at },
    );

    issue = new IssueToken({
      directory,
      trustStore,
      devices,
      replayCache: new DynamoReplayCache(client, tableName, clock),
      signer,
      issuerBaseUrl: BASE,
      tokenLifetimeSeconds: 3600,
      clock,
    });
  });
  afterAll(() => kms?.stop());

  beforeEach(() => {
    now = TEST_NOW;
  });

  async function assertion(claims: Record<string, unknown> = {}): Promise<string> {
    const signed = await signAssertion({
      alg: 'ES256',
      privateKey: device.keys.privateKey,
      x5c: [device.der, intermediate.der],
      iss: 'client',
      sub: 'device-1',
      aud: `${ISSUER}/oauth2/token`,
      now,
      claims,
    });
    return signed.jwt;
  }

  async function codeOf(jwt: string): Promise<string> {
    try {
      await issue.execute(POOL, { assertion: jwt });
      return 'issued';
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  }

  it('issues a KMS-signed token and writes the provisioning record at the injected time', async () => {
    const result = await issue.execute(POOL, { assertion: await assertion() });
    const { payload, protectedHeader } = await jwtVerify(result.access_token, createLocalJWKSet(await signer.jwks()), { issuer: ISSUER, audience: ISSUER });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.iat).toBe(T());

    const record = await devices.getDevice(POOL, 'device-1');
    expect(record?.provisioning).toEqual({
      thumbprint: createHash('sha256').update(device.der).digest('hex'),
      serial: Buffer.from(device.certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
      issuer: 'CN=Acme Devices,O=Acme',
      notAfter: '2099-12-31T23:59:59.000Z',
      businessUnit: 'Stores North',
      firstSeen: TEST_NOW.toISOString(),
      lastSeen: TEST_NOW.toISOString(),
    });

    now = new Date(TEST_NOW.getTime() + 90_000);
    await issue.execute(POOL, { assertion: await assertion() });
    expect((await devices.getDevice(POOL, 'device-1'))?.provisioning).toMatchObject({
      firstSeen: TEST_NOW.toISOString(),
      lastSeen: now.toISOString(),
    });
  });

  it('keeps the jti spent until exp + 60 s, the last moment the assertion itself is accepted', async () => {
    const jwt = await assertion({ jti: 'window-jti' });
    const exp = T() + 300;
    expect(await codeOf(jwt)).toBe('issued');

    const stored = await testDocumentClient().send(
      new GetCommand({ TableName: tableName, Key: keys.jti(POOL, createHash('sha256').update('window-jti').digest('hex')) }),
    );
    expect(stored.Item).toMatchObject({ type: 'jti', expiresAt: exp + 60 });

    for (const offset of [1, 30, 59]) {
      now = new Date((exp + offset) * 1000);
      expect({ offset, code: await codeOf(jwt) }).toEqual({ offset, code: 'assertion_replayed' });
    }
    now = new Date((exp + 60) * 1000);
    expect(await codeOf(jwt)).toBe('assertion_expired');
  });

  it('of 16 concurrent executions of one assertion exactly one issues a token', async () => {
    const jwt = await assertion();
    const codes = await Promise.all(Array.from({ length: 16 }, () => codeOf(jwt)));
    expect(codes.filter((c) => c === 'issued')).toHaveLength(1);
    expect(codes.filter((c) => c === 'assertion_replayed')).toHaveLength(15);
  });
});

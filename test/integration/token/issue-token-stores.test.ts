import { createHash } from 'node:crypto';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { type DynamoDBDocument, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { KmsJwtSigner } from '../../../src/crypto/kms-signer';
import type { Device } from '../../../src/domain/model';
import { DomainError } from '../../../src/errors';
import type { DocumentClient } from '../../../src/storage/document-client';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoIssuanceLedger } from '../../../src/storage/dynamo-issuance-ledger';
import { DynamoRevocationRepository } from '../../../src/storage/dynamo-revocation-repository';
import { DynamoTokenDecisionReader } from '../../../src/storage/dynamo-token-decision-reader';
import { DynamoTrustStoreRepository } from '../../../src/storage/dynamo-trust-store-repository';
import { keys, type Tables } from '../../../src/storage/keys';
import { IssueToken } from '../../../src/usecases/issue-token';
import type { IssuanceOutcome } from '../../../src/usecases/ports';
import { signAssertion } from '../../support/device-client';
import { createTestTables, testDocumentClient, testTableClient } from '../../support/emulators';
import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';
import { type LocalKms, startLocalKms } from '../kms/local-kms';

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/*
 * IssueToken with the real DynamoDB adapters (DynamoDB Local, table from the
 * stack's schema) and the real KMS signer (local KMS endpoint), driven by one
 * controllable clock: the replay window and the stored records are checked
 * at exact instants rather than against the wall clock. Races are staged by
 * running a real adapter call between the decision's read and its commit,
 * or between a late commit and its answer, so the conditions of
 * DynamoIssuanceLedger and the trustEpoch of commitTrustChange are exercised
 * as DynamoDB evaluates them.
 */
describe('IssueToken against DynamoDB Local and the local KMS', () => {
  const POOL = 'pool-integration';
  const BASE = 'https://idp.example.com';
  const ISSUER = `${BASE}/pools/${POOL}`;
  let now = TEST_NOW;
  const clock = () => now;
  const T = () => Math.floor(now.getTime() / 1000);

  let tableName: string;
  let tables: Tables;
  /** The SDK's document client: seeds and reads back, independently of the adapters' client. */
  let client: DynamoDBDocument;
  /** The functions' client (src/aws-json/dynamodb-document-client.ts), which every adapter here is given. */
  let tableClient: DocumentClient;
  let kms: LocalKms;
  let signer: KmsJwtSigner;
  let directory: DynamoDirectoryRepository;
  let trustStore: DynamoTrustStoreRepository;
  let revocations: DynamoRevocationRepository;
  let ledger: DynamoIssuanceLedger;
  let devices: DynamoDeviceRepository;
  let issue: IssueToken;
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;

  const record = (deviceId: string): Device => ({
    deviceId,
    orgId: 'acme',
    envId: 'prod',
    preRegistered: false,
    status: 'active',
    createdAt: TEST_NOW.toISOString(),
  });
  const at = TEST_NOW.toISOString();

  /** A device certificate (CN = deviceId) and its binding to 'client', which registers the device. */
  async function enrol(deviceId: string, scopes = ['device']): Promise<TestCertificate> {
    const certificate = await makeLeaf(intermediate, { cn: deviceId, o: 'Stores North' });
    await devices.putBinding(POOL, record(deviceId), { deviceId, clientAppId: 'client', scopes, createdAt: at, updatedAt: at });
    return certificate;
  }

  async function rawItem(key: { pk: string; sk: string }, table = tableName): Promise<Record<string, unknown> | undefined> {
    return (await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  }
  const jtiItem = (deviceId: string, jti: string) => rawItem(keys.jti(POOL, deviceId, jti), tables.runtime);
  const trustEpoch = async () => (await directory.getPool(POOL))!.trustEpoch;

  /** What the ledger answered, in order, for the IssueToken built by `issueToken`. */
  let outcomes: IssuanceOutcome[];

  /**
   * IssueToken over the same adapters, with `beforeRead` run before every
   * decision read, `afterRead` between it and the commit, and `afterCommit`
   * after a commit that wrote. With `late`, every commit is acknowledged past
   * the trust window's deadline, so the decision reads the pool again.
   */
  function issueToken(
    hooks: { beforeRead?: () => Promise<void>; afterRead?: () => Promise<void>; afterCommit?: () => Promise<void> } = {},
    { late = false } = {},
  ): IssueToken {
    const reader = new DynamoTokenDecisionReader(tableClient, tables);
    let elapsedMs = 0;
    return new IssueToken({
      reader: {
        read: async (poolId, want) => {
          await hooks.beforeRead?.();
          const state = await reader.read(poolId, want);
          await hooks.afterRead?.();
          return state;
        },
      },
      revocations,
      ledger: {
        commit: async (poolId, commit) => {
          const outcome = await ledger.commit(poolId, commit);
          if (late) elapsedMs += TEST_TRUST_WINDOW.deadlineMs + 1;
          outcomes.push(outcome);
          if (outcome.committed) await hooks.afterCommit?.();
          return outcome;
        },
      },
      // This pool item has no signing keys: the store under test signs with one key, as the legacy path does.
      signer: { sign: (_pool, header, payload) => signer.sign(header, payload) },
      trustWindow: TEST_TRUST_WINDOW,
      issuerBaseUrl: BASE,
      tokenLifetimeSeconds: 3600,
      clock,
      elapsedClock: () => elapsedMs,
    });
  }

  beforeAll(async () => {
    tables = await createTestTables();
    tableName = tables.config;
    client = testDocumentClient();
    tableClient = testTableClient();
    kms = await startLocalKms();
    const { KeyMetadata } = await kms.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    signer = new KmsJwtSigner(kms.kms, KeyMetadata!.KeyId!);

    directory = new DynamoDirectoryRepository(tableClient, tableName, TEST_TRUST_WINDOW);
    await directory.createOrg({ orgId: 'acme', name: 'Acme', createdAt: TEST_NOW.toISOString() });
    await directory.createEnvironment({ orgId: 'acme', envId: 'prod', name: 'prod', clientPoolId: POOL, createdAt: TEST_NOW.toISOString() });

    root = await makeRoot({ cn: 'Acme Root' });
    intermediate = await makeIntermediate(root, { cn: 'Acme Devices', o: 'Acme' });
    trustStore = new DynamoTrustStoreRepository(tableClient, tableName, TEST_TRUST_WINDOW);
    await trustStore.createRoot(POOL, {
      anchorId: sha256Hex(root.der),
      fingerprint: sha256Hex(root.der),
      fingerprints: [sha256Hex(root.der)],
      subject: 'CN=Acme Root',
      notBefore: '2000-01-01T00:00:00.000Z',
      notAfter: '2099-12-31T23:59:59.000Z',
      filename: 'root.crt',
      uploadedAt: TEST_NOW.toISOString(),
      der: Buffer.from(root.der).toString('base64'),
      objectKey: 'unused',
    });

    revocations = new DynamoRevocationRepository(tableClient, tableName, TEST_TRUST_WINDOW, () => now.getTime());
    ledger = new DynamoIssuanceLedger(tableClient, tables, clock);
    devices = new DynamoDeviceRepository(tableClient, tables);
    device = await enrol('device-1');
    issue = issueToken();
  });
  afterAll(() => kms?.stop());

  beforeEach(() => {
    now = TEST_NOW;
    outcomes = [];
  });

  async function assertion(claims: Record<string, unknown> = {}, certificate = device, deviceId = 'device-1'): Promise<string> {
    const signed = await signAssertion({
      alg: 'ES256',
      privateKey: certificate.keys.privateKey,
      x5c: [certificate.der, intermediate.der],
      iss: 'client',
      sub: deviceId,
      aud: `${ISSUER}/oauth2/token`,
      now,
      claims,
    });
    return signed.jwt;
  }

  async function codeOf(jwt: string, using: IssueToken = issue): Promise<string> {
    try {
      await using.execute(POOL, { assertion: jwt });
      return 'issued';
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  }

  it('issues a KMS-signed token and writes the provisioning record at the injected time', async () => {
    const result = await issue.execute(POOL, { assertion: await assertion() });
    const { payload, protectedHeader } = await jwtVerify(result.access_token, createLocalJWKSet({ keys: [(await signer.describe()).jwk] }), {
      issuer: ISSUER,
      audience: ISSUER,
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.iat).toBe(T());

    const stored = await devices.getDevice(POOL, 'device-1');
    expect(stored?.provisioning).toEqual({
      thumbprint: sha256Hex(device.der),
      serial: Buffer.from(device.certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
      issuer: 'CN=Acme Devices,O=Acme',
      notAfter: '2099-12-31T23:59:59.000Z',
      businessUnit: 'Stores North',
      firstSeen: TEST_NOW.toISOString(),
      lastSeen: TEST_NOW.toISOString(),
    });

    now = new Date(TEST_NOW.getTime() + 90_000);
    await issue.execute(POOL, { assertion: await assertion() });
    const refreshed = await devices.getDevice(POOL, 'device-1');
    expect(refreshed?.provisioning).toMatchObject({ firstSeen: TEST_NOW.toISOString(), lastSeen: now.toISOString() });
    expect(refreshed?.generation).toBe(stored?.generation);
  });

  it('keeps the jti spent until exp + 60 s, the last moment the assertion itself is accepted', async () => {
    const jwt = await assertion({ jti: 'window-jti' });
    const exp = T() + 300;
    expect(await codeOf(jwt)).toBe('issued');

    expect(await jtiItem('device-1', 'window-jti')).toMatchObject({ type: 'jti', expiresAt: exp + 60, attemptId: expect.any(String) });

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

  it('issues for a device and binding written before generations and revisions existed', async () => {
    const legacy = await makeLeaf(intermediate, { cn: 'legacy-1', o: 'Stores North' });
    await client.send(new PutCommand({ TableName: tableName, Item: { ...keys.device(POOL, 'legacy-1'), type: 'device', ...record('legacy-1') } }));
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.binding(POOL, 'legacy-1', 'client'),
          type: 'binding',
          deviceId: 'legacy-1',
          clientAppId: 'client',
          scopes: ['device'],
          createdAt: at,
          updatedAt: at,
        },
      }),
    );
    expect(await codeOf(await assertion({ jti: 'legacy-jti' }, legacy, 'legacy-1'))).toBe('issued');
    expect(outcomes).toEqual([{ committed: true }]);
    expect(await rawItem(keys.provisioning(POOL, 'legacy-1', undefined), tables.runtime)).toMatchObject({
      lastSeen: TEST_NOW.toISOString(),
      certThumbprint: sha256Hex(legacy.der),
    });
    expect((await rawItem(keys.device(POOL, 'legacy-1')))?.generation).toBeUndefined();
  });

  describe('provisioning never creates a device record', () => {
    it('a device deleted between the read and the commit: the commit is refused (binding_not_found) and the record stays absent', async () => {
      const gone = await enrol('gone-1');
      const issuing = issueToken({ afterRead: async () => void (await devices.deleteDevice(POOL, 'gone-1')) });

      expect(await codeOf(await assertion({ jti: 'gone-jti' }, gone, 'gone-1'), issuing)).toBe('binding_not_found');
      expect(outcomes).toEqual([{ committed: false, refusal: 'binding_not_found' }]);
      expect(await rawItem(keys.device(POOL, 'gone-1'))).toBeUndefined();
      expect(await devices.getDevice(POOL, 'gone-1')).toBeUndefined();
      expect(await jtiItem('gone-1', 'gone-jti')).toBeUndefined();
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': keys.poolPartition(POOL), ':sk': keys.device(POOL, 'gone-1').sk },
          ConsistentRead: true,
        }),
      );
      expect(Items).toEqual([]);
    });

    it('a device deleted and registered again between the read and the commit: binding_not_found, the new record not provisioned', async () => {
      const reborn = await enrol('reborn-1');
      const before = await devices.getDevice(POOL, 'reborn-1');
      const issuing = issueToken({
        afterRead: async () => {
          await devices.deleteDevice(POOL, 'reborn-1');
          await devices.putBinding(POOL, record('reborn-1'), { deviceId: 'reborn-1', clientAppId: 'client', scopes: ['device'], createdAt: at, updatedAt: at });
        },
      });

      expect(await codeOf(await assertion({ jti: 'reborn-jti' }, reborn, 'reborn-1'), issuing)).toBe('binding_not_found');
      const after = await devices.getDevice(POOL, 'reborn-1');
      expect(after?.generation).toEqual(expect.any(String));
      expect(after?.generation).not.toBe(before?.generation);
      expect(after?.provisioning).toBeUndefined();
      expect(await jtiItem('reborn-1', 'reborn-jti')).toBeUndefined();
    });
  });

  describe('changes between the decision’s read and its commit', () => {
    it('the device disabled: device_disabled, nothing provisioned, the jti unspent', async () => {
      const disabled = await enrol('disabled-1');
      const issuing = issueToken({ afterRead: async () => void (await devices.updateDevice(POOL, 'disabled-1', { status: 'disabled' }, at)) });

      expect(await codeOf(await assertion({ jti: 'disabled-jti' }, disabled, 'disabled-1'), issuing)).toBe('device_disabled');
      expect(outcomes).toEqual([{ committed: false, refusal: 'device_disabled' }]);
      const stored = await devices.getDevice(POOL, 'disabled-1');
      expect(stored?.status).toBe('disabled');
      expect(stored?.provisioning).toBeUndefined();
      expect(await jtiItem('disabled-1', 'disabled-jti')).toBeUndefined();
    });

    it('the binding deleted: binding_not_found, nothing provisioned, the jti unspent', async () => {
      const unbound = await enrol('unbound-1');
      const issuing = issueToken({ afterRead: async () => void (await devices.deleteBinding(POOL, 'unbound-1', 'client')) });

      expect(await codeOf(await assertion({ jti: 'unbound-jti' }, unbound, 'unbound-1'), issuing)).toBe('binding_not_found');
      expect(outcomes).toEqual([{ committed: false, refusal: 'binding_not_found' }]);
      expect((await devices.getDevice(POOL, 'unbound-1'))?.provisioning).toBeUndefined();
      expect(await jtiItem('unbound-1', 'unbound-jti')).toBeUndefined();
    });

    it('the binding replaced: the decision is re-taken and the token carries the new scopes', async () => {
      const rebound = await enrol('rebound-1', ['device', 'read']);
      let replaced = false;
      const issuing = issueToken({
        afterRead: async () => {
          if (replaced) return;
          replaced = true;
          await devices.putBinding(POOL, record('rebound-1'), {
            deviceId: 'rebound-1',
            clientAppId: 'client',
            scopes: ['device', 'write'],
            createdAt: at,
            updatedAt: at,
          });
        },
      });

      const result = await issuing.execute(POOL, { assertion: await assertion({ jti: 'rebound-jti' }, rebound, 'rebound-1') });
      expect(result.scope).toBe('device write');
      const { payload } = await jwtVerify(result.access_token, createLocalJWKSet({ keys: [(await signer.describe()).jwk] }), {
        issuer: ISSUER,
        audience: ISSUER,
      });
      expect(payload.scope).toBe('device write');
      expect(outcomes).toEqual([{ committed: false, stale: true }, { committed: true }]);
      expect(await jtiItem('rebound-1', 'rebound-jti')).toBeDefined();
    });
  });

  describe('trust taken away', () => {
    it('a revoked device certificate is refused before anything is written (certificate_revoked)', async () => {
      const revoked = await enrol('revoked-1');
      const fingerprint = sha256Hex(revoked.der);
      expect(await revocations.putRevocation(POOL, { id: fingerprint, fingerprint, reason: 'keyCompromise', revokedAt: at })).toBe(true);

      expect(await codeOf(await assertion({ jti: 'revoked-jti' }, revoked, 'revoked-1'))).toBe('certificate_revoked');
      expect(outcomes).toEqual([]);
      expect((await devices.getDevice(POOL, 'revoked-1'))?.provisioning).toBeUndefined();
      expect(await jtiItem('revoked-1', 'revoked-jti')).toBeUndefined();
    });

    it('a revocation committed between a late commit and the answer moves the epoch: certificate_revoked, no token', async () => {
      const late = await enrol('late-1');
      const fingerprint = sha256Hex(late.der);
      const epoch = await trustEpoch();
      const issuing = issueToken(
        { afterCommit: async () => void (await revocations.putRevocation(POOL, { id: fingerprint, fingerprint, reason: 'keyCompromise', revokedAt: at })) },
        { late: true },
      );

      expect(await codeOf(await assertion({ jti: 'late-jti' }, late, 'late-1'), issuing)).toBe('certificate_revoked');
      expect(await trustEpoch()).toBe(epoch + 1);
      expect(outcomes).toEqual([{ committed: true }]);
      // The commit stands: the jti is spent.
      expect(await jtiItem('late-1', 'late-jti')).toBeDefined();
    });

    it('a trust change that does not concern the device moves the epoch and the token is still returned', async () => {
      const calm = await enrol('calm-1');
      const other = await makeLeaf(intermediate, { cn: 'other-1' });
      const fingerprint = sha256Hex(other.der);
      const epoch = await trustEpoch();
      const issuing = issueToken(
        { afterCommit: async () => void (await revocations.putRevocation(POOL, { id: fingerprint, fingerprint, reason: 'superseded', revokedAt: at })) },
        { late: true },
      );

      expect(await codeOf(await assertion({ jti: 'calm-jti' }, calm, 'calm-1'), issuing)).toBe('issued');
      expect(await trustEpoch()).toBe(epoch + 1);
    });

    it('a pool that requires CRLs refuses a path without one (crl_missing)', async () => {
      const strict = await enrol('strict-1');
      const setRequireCrl = (value: boolean) =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.pool(POOL),
            UpdateExpression: 'SET requireCrl = :v',
            ExpressionAttributeValues: { ':v': value },
          }),
        );
      await setRequireCrl(true);
      try {
        expect(await codeOf(await assertion({ jti: 'strict-jti' }, strict, 'strict-1'))).toBe('crl_missing');
        expect(await jtiItem('strict-1', 'strict-jti')).toBeUndefined();
      } finally {
        await setRequireCrl(false);
      }
      expect(await codeOf(await assertion({ jti: 'strict-jti' }, strict, 'strict-1'))).toBe('issued');
    });

    it('the epoch moving at every read after a late commit: the decision is re-taken once, on a read after the commit, and the token returned', async () => {
      const busy = await enrol('busy-1');
      const epoch = await trustEpoch();
      let reads = 0;
      const issuing = issueToken(
        {
          beforeRead: async () => {
            // Another certificate revoked before each read: the epoch is never the same twice.
            const id = sha256Hex(`unrelated-${++reads}`);
            await revocations.putRevocation(POOL, { id, fingerprint: id, reason: 'superseded', revokedAt: at });
          },
        },
        { late: true },
      );

      expect(await codeOf(await assertion({ jti: 'busy-jti' }, busy, 'busy-1'), issuing)).toBe('issued');
      expect(reads).toBe(2);
      expect(await trustEpoch()).toBe(epoch + 2);
      expect(outcomes).toEqual([{ committed: true }]);
    });
  });
});

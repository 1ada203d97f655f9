import { randomBytes } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredCrl } from '../../../src/domain/model';
import type { CrlEntry } from '../../../src/domain/revocation';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoRevocationRepository } from '../../../src/storage/dynamo-revocation-repository';
import { DynamoTokenDecisionReader } from '../../../src/storage/dynamo-token-decision-reader';
import { DynamoTrustStoreRepository } from '../../../src/storage/dynamo-trust-store-repository';
import { POOL_ANCHORS, type Tables, keys } from '../../../src/storage/keys';
import type { RevocationKeys } from '../../../src/usecases/ports';
import { createTestTables, testDocumentClient } from '../../support/emulators';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';

/*
 * The token decision's read against DynamoDB Local, counting the requests
 * it sends: one BatchGetItem for a warm function (pool, trust list, device,
 * binding, jti, revocation items and the CRL bucket), more only when a CRL
 * the function had not seen (or a new one) must be located, or for a pool
 * whose trust list is still only in its records. Whatever was cached, the
 * view answers from the items read in the same call.
 */
describe('DynamoTokenDecisionReader', () => {
  const POOL = 'pool-reader';
  const at = '2030-06-01T00:00:00.000Z';
  const ISSUER = 'c'.repeat(64);
  let tables: Tables;
  let calls: string[];
  let reader: DynamoTokenDecisionReader;
  let revocations: DynamoRevocationRepository;
  const db = testDocumentClient();
  /** The document client, recording the name of every command it sends. */
  const counting = Object.create(db, {
    send: {
      value: (command: { constructor: { name: string } }) => {
        calls.push(command.constructor.name);
        return db.send(command as never);
      },
    },
  }) as typeof db;

  const serial = () => randomBytes(16).toString('hex').replace(/^0+/, '') || '1';
  const device: RevocationKeys = { issuerId: ISSUER, serialNumberHex: serial(), fingerprint: 'd'.repeat(64), issuerSerialId: 'e'.repeat(64), keyId: 'f'.repeat(64) };
  const crl = (id: string, revoked: CrlEntry[]): [StoredCrl, CrlEntry[]] => [
    { id: ISSUER, issuer: 'CN=Device CA', thisUpdate: id, nextUpdate: '2030-07-01T00:00:00.000Z', revokedCount: revoked.length, sha256: 'a'.repeat(64), uploadedAt: id },
    revoked,
  ];
  const read = () => reader.read(POOL, { deviceId: 'dev-1', clientAppId: 'app', jti: 'j-1', revocationCandidates: [device] });

  beforeAll(async () => {
    tables = await createTestTables();
    const directory = new DynamoDirectoryRepository(db, tables.config, TEST_TRUST_WINDOW);
    await directory.createOrg({ orgId: 'o', name: 'o', createdAt: at });
    await directory.createEnvironment({ orgId: 'o', envId: 'e', name: 'e', clientPoolId: POOL, createdAt: at });
    const trustStore = new DynamoTrustStoreRepository(db, tables.config, TEST_TRUST_WINDOW);
    await trustStore.createRoot(POOL, {
      anchorId: 'a'.repeat(64),
      fingerprint: 'b'.repeat(64),
      fingerprints: ['b'.repeat(64)],
      subject: 'CN=Root',
      notBefore: at,
      notAfter: at,
      filename: 'root.pem',
      uploadedAt: at,
      der: Buffer.from('root der').toString('base64'),
      objectKey: 'k',
    });
    const devices = new DynamoDeviceRepository(db, tables);
    await devices.putBinding(
      POOL,
      { deviceId: 'dev-1', orgId: 'o', envId: 'e', preRegistered: false, status: 'active', createdAt: at },
      { deviceId: 'dev-1', clientAppId: 'app', scopes: ['device'], createdAt: at, updatedAt: at },
    );
    revocations = new DynamoRevocationRepository(db, tables.config, TEST_TRUST_WINDOW);
    reader = new DynamoTokenDecisionReader(counting, tables);
  });

  beforeEach(() => {
    calls = [];
  });

  it('reads pool, trust list, device, binding and revocation state in one BatchGetItem when the pool has no CRL', async () => {
    const state = await read();
    expect(calls).toEqual(['BatchGetCommand']);
    expect(state.pool).toMatchObject({ clientPoolId: POOL, trustEpoch: 0 });
    expect([...state.anchors.keys()]).toEqual(['a'.repeat(64)]);
    expect(Buffer.from(state.anchors.get('a'.repeat(64))!).toString()).toBe('root der');
    expect({ device: state.device?.deviceId, binding: state.binding?.clientAppId, jti: state.jtiSpentUntil }).toEqual({ device: 'dev-1', binding: 'app', jti: undefined });
    const view = state.revocationFor([device]);
    expect(view?.crl(ISSUER)).toBeUndefined();
    expect(view?.revokedFingerprints.size).toBe(0);
  });

  it('a CRL it has not seen: a second BatchGetItem for its bucket; from then on one call, answering from the bucket read', async () => {
    await revocations.putCrl(POOL, ...crl('2030-06-01T00:00:00.000Z', [{ serialNumberHex: device.serialNumberHex, revocationDate: new Date(at) }]));
    const first = await read();
    expect(calls).toEqual(['BatchGetCommand', 'BatchGetCommand']);
    expect(first.revocationFor([device])?.crl(ISSUER)?.entry(device.serialNumberHex)).toMatchObject({ serialNumberHex: device.serialNumberHex });

    calls = [];
    const warm = await read();
    expect(calls).toEqual(['BatchGetCommand']);
    expect(warm.revocationFor([device])?.crl(ISSUER)?.entry(device.serialNumberHex)).toMatchObject({ serialNumberHex: device.serialNumberHex });
  });

  it('a CRL replaced since the last read: the cached bucket is not used; the new CRL is read and decides', async () => {
    await revocations.putCrl(POOL, ...crl('2030-06-02T00:00:00.000Z', []));
    const state = await read();
    expect(calls).toEqual(['BatchGetCommand', 'BatchGetCommand']);
    const view = state.revocationFor([device]);
    expect(view?.crl(ISSUER)?.thisUpdate.toISOString()).toBe('2030-06-02T00:00:00.000Z');
    expect(view?.crl(ISSUER)?.entry(device.serialNumberHex)).toBeUndefined();
  });

  it('certificates it was not asked about are not covered: revocationFor answers undefined', async () => {
    const state = await read();
    expect(state.revocationFor([{ ...device, fingerprint: '9'.repeat(64) }])).toBeUndefined();
    expect(state.revocationFor([{ ...device, issuerId: '8'.repeat(64) }])).toBeUndefined();
    expect(state.revocationFor([device])).toBeDefined();
  });

  it('a pool whose trust list is still only in its records: one more call, a Query of them', async () => {
    await db.send(new UpdateCommand({ TableName: tables.config, Key: keys.pool(POOL), UpdateExpression: 'REMOVE #a', ExpressionAttributeNames: { '#a': POOL_ANCHORS } }));
    const state = await read();
    expect(calls).toEqual(['BatchGetCommand', 'QueryCommand']);
    expect([...state.anchors.keys()]).toEqual(['a'.repeat(64)]);
  });

  it('an unknown pool, device or binding reads as absent, and a malformed party is not read at all', async () => {
    const none = await reader.read('pool-none', { deviceId: 'dev-1', clientAppId: 'app', jti: 'j', revocationCandidates: [] });
    expect({ pool: none.pool, device: none.device, anchors: none.anchors.size }).toEqual({ pool: undefined, device: undefined, anchors: 0 });
    await db.send(new PutCommand({ TableName: tables.runtime, Item: { ...keys.jti(POOL, 'dev-1', 'spent'), expiresAt: 2_000_000_000 } }));
    expect((await reader.read(POOL, { deviceId: 'dev-1', clientAppId: 'app', jti: 'spent', revocationCandidates: [] })).jtiSpentUntil).toBe(2_000_000_000);
    const anonymous = await reader.read(POOL, { revocationCandidates: [] });
    expect({ device: anonymous.device, binding: anonymous.binding, jti: anonymous.jtiSpentUntil }).toEqual({ device: undefined, binding: undefined, jti: undefined });
  });
});

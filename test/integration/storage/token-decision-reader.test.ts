import { randomBytes } from 'node:crypto';
import { type BatchGetCommandInput, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CrlEntry, RevocationSubject } from '../../../src/domain/revocation';
import { crlRecordId } from '../../../src/domain/revocation';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoRevocationRepository } from '../../../src/storage/dynamo-revocation-repository';
import { DynamoTokenDecisionReader } from '../../../src/storage/dynamo-token-decision-reader';
import { DynamoTrustStoreRepository } from '../../../src/storage/dynamo-trust-store-repository';
import { keys, POOL_ANCHORS, type Tables } from '../../../src/storage/keys';
import type { RevocationKeys, ScopedCrl } from '../../../src/usecases/ports';
import { recordingCalls } from '../../support/document-client-overrides';
import { createTestTables, testDocumentClient, testTableClient } from '../../support/emulators';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';

/*
 * The token decision's read against DynamoDB Local, counting the requests
 * it sends: one BatchGetItem for a warm function (pool, trust list, device,
 * binding, jti, revocation items, the CRL items and buckets, the items of a
 * CRL signer off the path), more only when a CRL or signer the function had
 * not seen (or a new one) must be located, or for a pool whose trust list is
 * still only in its records. Whatever was cached, the view answers from the
 * items read in the same call.
 */
describe('DynamoTokenDecisionReader', () => {
  const POOL = 'pool-reader';
  const at = '2030-06-01T00:00:00.000Z';
  /** The device CA's CRL scope (crlScopeId), its signing key (crlIssuerId), and the root's scope. */
  const SCOPE = 'c'.repeat(64);
  const SIGNER = '1'.repeat(64);
  const ROOT_SCOPE = '2'.repeat(64);
  let tables: Tables;
  let calls: string[];
  /** Keys asked for by each BatchGetItem, per table: each is a read unit (a missing item too; items here are under 4 KB). */
  let keysRead: number[][];
  let reader: DynamoTokenDecisionReader;
  let revocations: DynamoRevocationRepository;
  /** The functions' client, handed to the adapters; `db`, the SDK's, seeds and reads back. */
  const client = testTableClient();
  const db = testDocumentClient();
  /** The functions' client, recording the method of every call and the keys of every BatchGetItem. */
  const counting = recordingCalls(client, ({ method, input }) => {
    calls.push(method);
    const requestItems = (input as BatchGetCommandInput).RequestItems;
    if (method === 'batchGet' && requestItems) keysRead.push(Object.values(requestItems).map((table) => table.Keys?.length ?? 0));
  });

  const serial = () => randomBytes(16).toString('hex').replace(/^0+/, '') || '1';
  const device: RevocationKeys = {
    scopeId: SCOPE,
    legacyIssuerIds: [SIGNER],
    serialNumberHex: serial(),
    fingerprint: 'd'.repeat(64),
    issuerSerialId: 'e'.repeat(64),
    keyId: 'f'.repeat(64),
  };
  const crl = (thisUpdate: string, revoked: CrlEntry[], extra: Partial<ScopedCrl> = {}): [ScopedCrl, CrlEntry[]] => {
    const scoped = { scopeId: SCOPE, signerId: SIGNER, signerPath: [] as RevocationSubject[], ...extra };
    return [
      {
        id: crlRecordId(scoped.scopeId, scoped.signerId),
        issuer: 'CN=Device CA',
        thisUpdate,
        nextUpdate: '2030-07-01T00:00:00.000Z',
        revokedCount: revoked.length,
        sha256: 'a'.repeat(64),
        uploadedAt: thisUpdate,
        ...scoped,
      },
      revoked,
    ];
  };
  const read = () => reader.read(POOL, { deviceId: 'dev-1', clientAppId: 'app', jti: 'j-1', revocationCandidates: [device] });

  beforeAll(async () => {
    tables = await createTestTables();
    const directory = new DynamoDirectoryRepository(client, tables.config, TEST_TRUST_WINDOW);
    await directory.createOrg({ orgId: 'o', name: 'o', createdAt: at });
    await directory.createEnvironment({ orgId: 'o', envId: 'e', name: 'e', clientPoolId: POOL, createdAt: at });
    const trustStore = new DynamoTrustStoreRepository(client, tables.config, TEST_TRUST_WINDOW);
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
    const devices = new DynamoDeviceRepository(client, tables);
    await devices.putBinding(
      POOL,
      { deviceId: 'dev-1', orgId: 'o', envId: 'e', preRegistered: false, status: 'active', createdAt: at },
      { deviceId: 'dev-1', clientAppId: 'app', scopes: ['device'], createdAt: at, updatedAt: at },
    );
    revocations = new DynamoRevocationRepository(client, tables.config, TEST_TRUST_WINDOW);
    reader = new DynamoTokenDecisionReader(counting, tables);
  });

  beforeEach(() => {
    calls = [];
    keysRead = [];
  });

  it('reads pool, trust list, device, binding and revocation state in one BatchGetItem when the pool has no CRL', async () => {
    const state = await read();
    expect(calls).toEqual(['batchGet']);
    expect(state.pool).toMatchObject({ clientPoolId: POOL, trustEpoch: 0 });
    expect([...state.anchors.keys()]).toEqual(['a'.repeat(64)]);
    expect(Buffer.from(state.anchors.get('a'.repeat(64))!).toString()).toBe('root der');
    expect({ device: state.device?.deviceId, binding: state.binding?.clientAppId, jti: state.jtiSpentUntil }).toEqual({
      device: 'dev-1',
      binding: 'app',
      jti: undefined,
    });
    const view = state.revocationFor([device]);
    expect(view?.crls(SCOPE)).toEqual([]);
    expect(view?.legacyCrl(SIGNER)).toBeUndefined();
    expect(view?.revokedFingerprints.size).toBe(0);
  });

  it('a CRL it has not seen: a second BatchGetItem for its bucket; from then on one call, answering from the bucket read', async () => {
    await revocations.putCrl(POOL, ...crl('2030-06-01T00:00:00.000Z', [{ serialNumberHex: device.serialNumberHex, revocationDate: new Date(at) }]));
    const first = await read();
    expect(calls).toEqual(['batchGet', 'batchGet']);
    expect(first.revocationFor([device])?.crls(SCOPE)[0]?.entry(device.serialNumberHex)).toMatchObject({ serialNumberHex: device.serialNumberHex });

    calls = [];
    keysRead = [];
    const warm = await read();
    expect(calls).toEqual(['batchGet']);
    expect(warm.revocationFor([device])?.crls(SCOPE)[0]?.entry(device.serialNumberHex)).toMatchObject({ serialNumberHex: device.serialNumberHex });
    // Config: pool, device, binding; for the certificate REVOKED#, REVOKEDSERIAL#, REVOKEDKEY#, CRLSCOPE#, the legacy CRL#, one bucket. Runtime: the jti.
    expect(keysRead).toEqual([[9, 1]]);
  });

  it('a CRL replaced since the last read: the cached bucket is not used; the new CRL is read and decides', async () => {
    await revocations.putCrl(POOL, ...crl('2030-06-02T00:00:00.000Z', []));
    const state = await read();
    expect(calls).toEqual(['batchGet', 'batchGet']);
    const view = state.revocationFor([device]);
    expect(view?.crls(SCOPE).map((c) => c.thisUpdate.toISOString())).toEqual(['2030-06-02T00:00:00.000Z']);
    expect(view?.crls(SCOPE)[0]?.entry(device.serialNumberHex)).toBeUndefined();
  });

  it('certificates it was not asked about are not covered: revocationFor answers undefined', async () => {
    const state = await read();
    expect(state.revocationFor([{ ...device, fingerprint: '9'.repeat(64) }])).toBeUndefined();
    expect(state.revocationFor([{ ...device, scopeId: '8'.repeat(64) }])).toBeUndefined();
    expect(state.revocationFor([{ ...device, legacyIssuerIds: ['8'.repeat(64)] }])).toBeUndefined();
    expect(state.revocationFor([device])).toBeDefined();
  });

  it("a CRL signed off the path: its signer's items are read in the same call once known, and a revocation of the signer is in the view", async () => {
    const signer: RevocationSubject = {
      scopeId: ROOT_SCOPE,
      legacyIssuerIds: ['3'.repeat(64)],
      serialNumberHex: '0b',
      fingerprint: '4'.repeat(64),
      issuerSerialId: '5'.repeat(64),
      keyId: '6'.repeat(64),
      subjectDn: 'CN=Device CA',
      issuerDn: 'CN=Root',
      delegatesRevocation: false,
    };
    await revocations.putCrl(POOL, ...crl('2030-06-03T00:00:00.000Z', [], { signerId: '7'.repeat(64), signerPath: [signer] }));
    await revocations.putCrl(
      POOL,
      ...crl('2030-06-03T00:00:00.000Z', [{ serialNumberHex: '0b', revocationDate: new Date(at) }], { scopeId: ROOT_SCOPE, signerId: '9'.repeat(64) }),
    );
    // Cold for the new CRL: its bucket and its signer's items, then the bucket of the signer in the root's CRL.
    const first = await read();
    expect(calls).toEqual(['batchGet', 'batchGet', 'batchGet']);
    expect(first.revocationFor([device])?.crls(ROOT_SCOPE)[0]?.entry('0b')).toMatchObject({ serialNumberHex: '0b' });

    await revocations.putRevocation(POOL, { id: signer.fingerprint, fingerprint: signer.fingerprint, reason: 'keyCompromise', revokedAt: at });
    calls = [];
    const warm = await read();
    expect(calls).toEqual(['batchGet']);
    const view = warm.revocationFor([device]);
    // The CA's own CRL (earlier test) and the one signed off the path, in no particular order.
    expect(
      view
        ?.crls(SCOPE)
        .map((c) => c.signerPath)
        .sort((a, b) => a.length - b.length),
    ).toEqual([[], [signer]]);
    expect([...(view?.revokedFingerprints ?? [])]).toEqual([signer.fingerprint]);
    expect(await revocations.deleteRevocation(POOL, signer.fingerprint)).toBe(true);
    expect(await revocations.deleteCrl(POOL, crl('', [], { signerId: '7'.repeat(64) })[0].id)).toBe(true);
    expect(await revocations.deleteCrl(POOL, crl('', [], { scopeId: ROOT_SCOPE, signerId: '9'.repeat(64) })[0].id)).toBe(true);
  });

  it('a CRL stored before scopes (CRL#{signer}): read by the key of the issuer, in the one call once known', async () => {
    const crlId = `${'0'.repeat(12)}${'1'.repeat(16)}`;
    await db.send(
      new PutCommand({
        TableName: tables.config,
        Item: { ...keys.crlEntries(POOL, SIGNER, crlId, 0), type: 'crlEntries', crlId, entries: { [device.serialNumberHex]: { d: at, r: 'keyCompromise' } } },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: tables.config,
        Item: {
          ...keys.crl(POOL, SIGNER),
          type: 'crl',
          id: SIGNER,
          issuer: 'CN=Device CA',
          thisUpdate: at,
          nextUpdate: '2030-07-01T00:00:00.000Z',
          revokedCount: 1,
          sha256: 'a'.repeat(64),
          uploadedAt: at,
          crlId,
          bucketCount: 1,
        },
      }),
    );
    const first = await read();
    expect(calls).toEqual(['batchGet', 'batchGet']);
    expect(first.revocationFor([device])?.legacyCrl(SIGNER)?.entry(device.serialNumberHex)).toMatchObject({ reason: 'keyCompromise' });
    calls = [];
    const warm = await read();
    expect(calls).toEqual(['batchGet']);
    expect(warm.revocationFor([device])?.legacyCrl(SIGNER)?.entry(device.serialNumberHex)).toMatchObject({ reason: 'keyCompromise' });
    expect(await revocations.deleteCrl(POOL, SIGNER)).toBe(true);
    calls = [];
    expect((await read()).revocationFor([device])?.legacyCrl(SIGNER)).toBeUndefined();
    expect(calls).toEqual(['batchGet']);
  });

  it('a pool whose trust list is still only in its records: one more call, a Query of them', async () => {
    await db.send(
      new UpdateCommand({ TableName: tables.config, Key: keys.pool(POOL), UpdateExpression: 'REMOVE #a', ExpressionAttributeNames: { '#a': POOL_ANCHORS } }),
    );
    const state = await read();
    expect(calls).toEqual(['batchGet', 'query']);
    expect([...state.anchors.keys()]).toEqual(['a'.repeat(64)]);
  });

  it('an unknown pool, device or binding reads as absent, and a malformed party is not read at all', async () => {
    const none = await reader.read('pool-none', { deviceId: 'dev-1', clientAppId: 'app', jti: 'j', revocationCandidates: [] });
    expect({ pool: none.pool, device: none.device, anchors: none.anchors.size }).toEqual({ pool: undefined, device: undefined, anchors: 0 });
    await db.send(new PutCommand({ TableName: tables.runtime, Item: { ...keys.jti(POOL, 'dev-1', 'spent'), expiresAt: 2_000_000_000 } }));
    expect((await reader.read(POOL, { deviceId: 'dev-1', clientAppId: 'app', jti: 'spent', revocationCandidates: [] })).jtiSpentUntil).toBe(2_000_000_000);
    const anonymous = await reader.read(POOL, { revocationCandidates: [] });
    expect({ device: anonymous.device, binding: anonymous.binding, jti: anonymous.jtiSpentUntil }).toEqual({
      device: undefined,
      binding: undefined,
      jti: undefined,
    });
  });
});

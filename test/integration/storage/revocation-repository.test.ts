import { randomBytes } from 'node:crypto';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CertificateRevocation } from '../../../src/domain/model';
import type { CrlEntry, RevocationIdentities, RevocationSubject } from '../../../src/domain/revocation';
import { crlRecordId, isNewerCrl } from '../../../src/domain/revocation';
import { DependencyError } from '../../../src/errors';
import { WRITE_CONCURRENCY } from '../../../src/storage/batch-operations';
import { bucketOf, itemBytes, MAX_BUCKET_ITEM_BYTES } from '../../../src/storage/crl-buckets';
import { crlAttribute } from '../../../src/storage/crl-items';
import { MAX_CRLS_PER_SCOPE } from '../../../src/storage/dynamo-crl-store';
import { DynamoRevocationRepository } from '../../../src/storage/dynamo-revocation-repository';
import { keys } from '../../../src/storage/keys';
import type { ScopedCrl } from '../../../src/usecases/ports';
import { withOverrides } from '../../support/document-client-overrides';
import { createTestTable, testDocumentClient, testTableClient } from '../../support/emulators';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';

/* docs/contract.md §3.4 state against DynamoDB Local: revocations, bucketed CRLs, the token path's view, and the trustEpoch. */
describe('DynamoRevocationRepository', () => {
  let tableName: string;
  let repository: DynamoRevocationRepository;
  let now = Date.now();
  /** The functions' client, handed to the adapter; `db`, the SDK's, seeds and reads back. */
  const client = testTableClient();
  const db = testDocumentClient();
  const POOL = 'pool-revocations';
  /** The CRL scope of the device CA (crlScopeId), and its signing key (crlIssuerId). */
  const SCOPE = 'a'.repeat(64);
  const SIGNER = '3'.repeat(64);
  const fp = (digit: string) => digit.repeat(64);
  /** openssl's default: 20 random octets, the longest serial a certificate may carry. */
  const serial = () => randomBytes(20).toString('hex').replace(/^0+/, '') || '1';

  const revocation = (fingerprint: string, extra: Partial<CertificateRevocation> = {}): CertificateRevocation => ({
    id: fingerprint,
    fingerprint,
    reason: 'keyCompromise',
    revokedAt: '2030-06-01T00:00:00.000Z',
    matches: ['fingerprint'],
    ...extra,
  });
  const crl = (extra: Partial<Omit<ScopedCrl, 'id'>> = {}): ScopedCrl => {
    const scoped = {
      scopeId: SCOPE,
      signerId: SIGNER,
      signerPath: [] as RevocationSubject[],
      issuer: 'CN=Device Intermediate CA,O=Organization,C=US',
      thisUpdate: '2030-06-01T00:00:00.000Z',
      nextUpdate: '2030-06-08T00:00:00.000Z',
      revokedCount: 0,
      sha256: 'f'.repeat(64),
      uploadedAt: '2030-06-01T00:00:01.000Z',
      ...extra,
    };
    return { id: crlRecordId(scoped.scopeId, scoped.signerId), ...scoped };
  };
  /** The listing shape of a stored CRL. */
  const listed = ({ scopeId: _s, signerId: _k, signerPath: _p, ...fields }: ScopedCrl) => fields;
  const entries = (count: number): CrlEntry[] =>
    Array.from({ length: count }, (_, i) => ({
      serialNumberHex: serial(),
      revocationDate: new Date(Date.UTC(2030, 0, 1, 0, 0, i % 86_400)),
      ...(i % 3 === 0 ? { reason: 'keyCompromise' as const } : {}),
    }));

  const createPool = (poolId: string) =>
    db.send(new PutCommand({ TableName: tableName, Item: { ...keys.pool(poolId), type: 'pool', clientPoolId: poolId, orgId: 'o', envId: 'e' } }));
  const trustEpoch = async (poolId = POOL) =>
    Number((await db.send(new GetCommand({ TableName: tableName, Key: keys.pool(poolId), ConsistentRead: true }))).Item?.trustEpoch ?? 0);
  const items = async (prefix: string, poolId = POOL) => {
    const found: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: prefix === '' ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: prefix === '' ? { ':pk': keys.poolPartition(poolId) } : { ':pk': keys.poolPartition(poolId), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      found.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found;
  };
  /** The stored CRL of one signing key: its attribute of the scope item. */
  const storedCrlItem = async (scopeId = SCOPE, signerId = SIGNER, poolId = POOL) =>
    (await db.send(new GetCommand({ TableName: tableName, Key: keys.crlScope(poolId, scopeId), ConsistentRead: true }))).Item?.[crlAttribute(signerId)] as
      | Record<string, unknown>
      | undefined;
  /** crlIds of the scope's bucket items, with how many buckets each has. */
  const bucketCrlIds = async (scopeId = SCOPE, poolId = POOL, prefix = keys.crlScopeEntriesPrefix(scopeId)) => {
    const counts = new Map<string, number>();
    for (const item of await items(prefix, poolId)) counts.set(String(item.crlId), (counts.get(String(item.crlId)) ?? 0) + 1);
    return counts;
  };
  const subject = (
    serialNumberHex: string,
    scopeId = SCOPE,
    fingerprint = fp('0'),
    issuerSerialId = fp('1'),
    keyId = fp('2'),
    legacyIssuerIds = [fp('4')],
  ) => ({
    scopeId,
    legacyIssuerIds,
    serialNumberHex,
    fingerprint,
    issuerSerialId,
    keyId,
  });

  beforeAll(async () => {
    tableName = await createTestTable();
    repository = new DynamoRevocationRepository(client, tableName, TEST_TRUST_WINDOW, () => now);
    await createPool(POOL);
  });

  describe('individual revocations', () => {
    it('puts a revocation once (true), reads it back whole, and moves the trustEpoch by one', async () => {
      const before = await trustEpoch();
      const record = revocation(fp('b'), { subject: 'CN=device-1', issuer: 'CN=Intermediate', serialNumber: '0a1b' });
      expect(await repository.putRevocation(POOL, record)).toBe(true);
      expect(await trustEpoch()).toBe(before + 1);
      expect(await repository.getRevocation(POOL, fp('b'))).toEqual(record);
    });

    it('refuses a duplicate (false): the first record stays and the epoch does not move', async () => {
      const before = await trustEpoch();
      expect(await repository.putRevocation(POOL, revocation(fp('b'), { reason: 'superseded', revokedAt: '2031-01-01T00:00:00.000Z' }))).toBe(false);
      expect(await trustEpoch()).toBe(before);
      expect(await repository.getRevocation(POOL, fp('b'))).toMatchObject({ reason: 'keyCompromise', revokedAt: '2030-06-01T00:00:00.000Z' });
    });

    it("lists this pool's revocations only", async () => {
      await repository.putRevocation(POOL, revocation(fp('c')));
      await createPool('pool-other');
      await repository.putRevocation('pool-other', revocation(fp('d')));
      expect((await repository.listRevocations(POOL)).map((r) => r.id).sort()).toEqual([fp('b'), fp('c')]);
      expect(await repository.listRevocations('pool-other')).toEqual([revocation(fp('d'))]);
    });

    it('deletes a revocation (true, epoch +1); deleting it again is false and moves nothing', async () => {
      const before = await trustEpoch();
      expect(await repository.deleteRevocation(POOL, fp('c'))).toBe(true);
      expect(await trustEpoch()).toBe(before + 1);
      expect(await repository.getRevocation(POOL, fp('c'))).toBeUndefined();
      expect(await repository.deleteRevocation(POOL, fp('c'))).toBe(false);
      expect(await trustEpoch()).toBe(before + 1);
    });

    it('writes nothing for a pool that does not exist (pool_not_found)', async () => {
      await expect(repository.putRevocation('pool-missing', revocation(fp('e')))).rejects.toMatchObject({ code: 'pool_not_found' });
      expect(await items('', 'pool-missing')).toEqual([]);
    });
  });

  describe("identities of a revocation given as a PEM (issuer + serial, a CA's subject + key)", () => {
    const pem = (fingerprint: string, serialId: string, keyId?: string): RevocationIdentities => ({
      fingerprint,
      issuerAndSerial: serialId,
      ...(keyId === undefined ? {} : { subjectAndKey: keyId }),
    });
    const identityItem = async (key: { pk: string; sk: string }) =>
      (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    const identityItems = async () =>
      [...(await items('REVOKEDSERIAL#')), ...(await items('REVOKEDKEY#'))].map((i) => [i.sk, [...(i.revocationIds as Set<string>)].sort()]);
    const viewOf = (identities: RevocationIdentities, fingerprint = fp('0')) =>
      repository.revocationView(POOL, [subject('01', 'e'.repeat(64), fingerprint, identities.issuerAndSerial, identities.subjectAndKey ?? fp('9'))]);

    afterEach(async () => {
      // Every test lifts what it revoked: nothing of an identity may outlive the records that name it.
      for (const r of await repository.listRevocations(POOL)) if (r.matches.length > 1) await repository.deleteRevocation(POOL, r.id);
      expect(await identityItems()).toEqual([]);
    });

    it('writes the record and one item per identity in one commit (epoch +1), lists what it matches, and the view finds another encoding by any identity', async () => {
      const before = await trustEpoch();
      expect(await repository.putRevocation(POOL, revocation(fp('3')), pem(fp('3'), fp('4'), fp('5')))).toBe(true);
      expect(await trustEpoch()).toBe(before + 1);
      expect(await repository.getRevocation(POOL, fp('3'))).toEqual(revocation(fp('3'), { matches: ['fingerprint', 'issuerAndSerial', 'subjectAndKey'] }));
      expect(await identityItems()).toEqual([
        [`REVOKEDSERIAL#${fp('4')}`, [fp('3')]],
        [`REVOKEDKEY#${fp('5')}`, [fp('3')]],
      ]);
      // A certificate with another fingerprint (its signature malleated, or a CA's renewal): found by the identities.
      const view = await repository.revocationView(POOL, [subject('01', SCOPE, fp('6'), fp('4'), fp('7')), subject('02', SCOPE, fp('8'), fp('a'), fp('5'))]);
      expect([...view.revokedFingerprints]).toEqual([]);
      expect([...view.revokedIssuerSerials]).toEqual([fp('4')]);
      expect([...view.revokedKeys]).toEqual([fp('5')]);
      // Nothing matches an unrelated certificate.
      const other = await repository.revocationView(POOL, [subject('01', SCOPE, fp('6'), fp('7'), fp('8'))]);
      expect([other.revokedFingerprints.size, other.revokedIssuerSerials.size, other.revokedKeys.size]).toEqual([0, 0, 0]);
    });

    it('lifting removes the record and its identity items together (epoch +1); an identity shared with another revocation stays until both are lifted', async () => {
      expect(await repository.putRevocation(POOL, revocation(fp('3')), pem(fp('3'), fp('4'), fp('5')))).toBe(true);
      // The same CA renewed (same subject and key, another serial): a second revocation sharing the key identity.
      expect(await repository.putRevocation(POOL, revocation(fp('6')), pem(fp('6'), fp('7'), fp('5')))).toBe(true);
      expect(await identityItem(keys.revokedKey(POOL, fp('5')))).toMatchObject({ revocationIds: new Set([fp('3'), fp('6')]) });

      const before = await trustEpoch();
      expect(await repository.deleteRevocation(POOL, fp('3'))).toBe(true);
      expect(await trustEpoch()).toBe(before + 1);
      expect(await identityItems()).toEqual([
        [`REVOKEDSERIAL#${fp('7')}`, [fp('6')]],
        [`REVOKEDKEY#${fp('5')}`, [fp('6')]],
      ]);
      expect([...(await viewOf(pem(fp('0'), fp('4'), fp('5')))).revokedKeys]).toEqual([fp('5')]);
      expect((await viewOf(pem(fp('0'), fp('4'), fp('5')))).revokedIssuerSerials.size).toBe(0);

      expect(await repository.deleteRevocation(POOL, fp('6'))).toBe(true);
      expect(await identityItems()).toEqual([]);
      const view = await viewOf(pem(fp('0'), fp('7'), fp('5')));
      expect([view.revokedIssuerSerials.size, view.revokedKeys.size]).toEqual([0, 0]);
    });

    it('extends a record that matched its fingerprint only (revoked by fingerprint, or stored before identities existed), once', async () => {
      expect(await repository.putRevocation(POOL, revocation(fp('3')))).toBe(true);
      expect(await identityItems()).toEqual([]);
      const before = await trustEpoch();
      const details = { subject: 'CN=Device CA', issuer: 'CN=Root', serialNumber: '0a' };
      expect(await repository.extendRevocation(POOL, fp('3'), details, pem(fp('3'), fp('4'), fp('5')))).toEqual(
        revocation(fp('3'), { ...details, matches: ['fingerprint', 'issuerAndSerial', 'subjectAndKey'] }),
      );
      expect(await trustEpoch()).toBe(before + 1);
      expect((await viewOf(pem(fp('0'), fp('4')))).revokedIssuerSerials.size).toBe(1);
      // Already extended, or gone: nothing written.
      expect(await repository.extendRevocation(POOL, fp('3'), details, pem(fp('3'), fp('4'), fp('5')))).toBeUndefined();
      expect(await repository.extendRevocation(POOL, fp('c'), details, pem(fp('c'), fp('d')))).toBeUndefined();
      expect(await trustEpoch()).toBe(before + 1);
      expect(await identityItems()).toEqual([
        [`REVOKEDSERIAL#${fp('4')}`, [fp('3')]],
        [`REVOKEDKEY#${fp('5')}`, [fp('3')]],
      ]);
    });

    it('a lift racing an extension removes what the extension added: the lift reads again', async () => {
      expect(await repository.putRevocation(POOL, revocation(fp('3')))).toBe(true);
      let raced = false;
      // The lift's read of the record is answered, then the extension commits before the lift's own commit.
      const racingClient = withOverrides(client, {
        get: async (input, options) => {
          const result = await client.get(input, options);
          if (!raced && input.Key?.sk === `REVOKED#${fp('3')}`) {
            raced = true;
            expect(await repository.extendRevocation(POOL, fp('3'), {}, pem(fp('3'), fp('4'), fp('5')))).toBeDefined();
          }
          return result;
        },
      });
      expect(await new DynamoRevocationRepository(racingClient, tableName, TEST_TRUST_WINDOW, () => now).deleteRevocation(POOL, fp('3'))).toBe(true);
      expect(raced).toBe(true);
      expect(await repository.getRevocation(POOL, fp('3'))).toBeUndefined();
      expect(await identityItems()).toEqual([]);
    });

    it('writes no identity item for a pool that does not exist', async () => {
      await expect(repository.putRevocation('pool-missing-3', revocation(fp('3')), pem(fp('3'), fp('4'), fp('5')))).rejects.toMatchObject({
        code: 'pool_not_found',
      });
      expect(await items('', 'pool-missing-3')).toEqual([]);
    });
  });

  describe('CRLs', () => {
    let large: CrlEntry[];

    it('stores a 50,000-entry CRL (a 2 MiB one) in buckets of at most 4 KB each, so that reading one costs one read unit, and moves the epoch once', async () => {
      large = entries(50_000);
      const before = await trustEpoch();
      expect(await repository.putCrl(POOL, crl({ crlNumber: '10', revokedCount: large.length }), large)).toBe('stored');
      expect(await trustEpoch()).toBe(before + 1);
      const metadata = await storedCrlItem();
      expect(metadata).toMatchObject({ id: crl().id, crlNumber: '10', revokedCount: 50_000, crlNumberKey: '10'.padStart(49, '0') });
      const bucketCount = Number(metadata?.bucketCount);
      expect(bucketCount & (bucketCount - 1)).toBe(0);
      const buckets = await items(keys.crlScopeEntriesPrefix(SCOPE));
      expect(buckets).toHaveLength(bucketCount);
      expect(buckets.map((b) => Object.keys(b.entries as object).length).reduce((a, b) => a + b, 0)).toBe(50_000);
      // What DynamoDB bills: a strongly consistent read per started 4 KB of the whole item, whatever the projection.
      let consumed = 0;
      for (let i = 0; i < buckets.length; i += 100) {
        const result = await db.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: { Keys: buckets.slice(i, i + 100).map((b) => ({ pk: b.pk, sk: b.sk })), ConsistentRead: true, ProjectionExpression: 'sk' },
            },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        consumed += result.ConsumedCapacity?.[0]?.CapacityUnits ?? Number.NaN;
      }
      expect(consumed).toBe(bucketCount);
      expect(Math.max(...buckets.map((b) => itemBytes(b)))).toBeLessThanOrEqual(MAX_BUCKET_ITEM_BYTES);
    });

    it('writes the buckets in parallel BatchWriteItem calls, never more than WRITE_CONCURRENCY at once', async () => {
      let inFlight = 0;
      let most = 0;
      const counting = withOverrides(client, {
        batchWrite: async (input, options) => {
          most = Math.max(most, ++inFlight);
          try {
            return await client.batchWrite(input, options);
          } finally {
            inFlight--;
          }
        },
      });
      const issuer = '7'.repeat(64);
      expect(
        await new DynamoRevocationRepository(counting, tableName, TEST_TRUST_WINDOW, () => now).putCrl(POOL, crl({ scopeId: issuer }), entries(20_000)),
      ).toBe('stored');
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(WRITE_CONCURRENCY);
      expect(await repository.deleteCrl(POOL, crl({ scopeId: issuer }).id)).toBe(true);
    });

    it('removes the buckets it wrote when writing them fails part-way, stores no CRL item and leaves the epoch', async () => {
      const issuer = '8'.repeat(64);
      let writes = 0;
      const failing = withOverrides(client, {
        batchWrite: async (input, options) => {
          const puts = Object.values(input.RequestItems ?? {}).some((r) => r.some((w) => w.PutRequest));
          if (puts && ++writes === 2) throw Object.assign(new Error('injected'), { name: 'InternalServerError' });
          return client.batchWrite(input, options);
        },
      });
      const before = await trustEpoch();
      await expect(
        new DynamoRevocationRepository(failing, tableName, TEST_TRUST_WINDOW, () => now).putCrl(POOL, crl({ scopeId: issuer }), entries(30_000)),
      ).rejects.toBeInstanceOf(DependencyError);
      expect(writes).toBeGreaterThanOrEqual(2);
      expect(await bucketCrlIds(issuer)).toEqual(new Map());
      expect(await storedCrlItem(issuer)).toBeUndefined();
      expect(await trustEpoch()).toBe(before);
    });

    it('refuses, before writing anything, entries it could never store (a 120,000-byte serial): crl_too_large', async () => {
      const issuer = '9'.repeat(64);
      const huge: CrlEntry = { serialNumberHex: 'ab'.repeat(120_000), revocationDate: new Date('2030-01-01T00:00:00Z') };
      const before = await trustEpoch();
      await expect(repository.putCrl(POOL, crl({ scopeId: issuer }), [huge, ...entries(2)])).rejects.toMatchObject({ code: 'crl_too_large' });
      expect(await bucketCrlIds(issuer)).toEqual(new Map());
      expect(await storedCrlItem(issuer)).toBeUndefined();
      expect(await trustEpoch()).toBe(before);
    });

    it('answers the token path: revoked serials across buckets with date and reason, others not, fingerprints separately', async () => {
      const bucketCount = Number((await storedCrlItem())?.bucketCount);
      const sample = [large[0], large[1], large[7_777], large[29_999], large[15_001]];
      expect(new Set(sample.map((e) => bucketOf(e.serialNumberHex, bucketCount))).size).toBeGreaterThan(1);
      const absent = ['1', serial(), serial()];
      const view = await repository.revocationView(POOL, [
        ...sample.map((e) => subject(e.serialNumberHex)),
        ...absent.map((s) => subject(s, SCOPE, fp('b'))),
        subject('01', 'e'.repeat(64)),
      ]);
      const status = view.crls(SCOPE)[0];
      expect(status).toMatchObject({ issuerDn: 'CN=Device Intermediate CA,O=Organization,C=US' });
      expect(status?.thisUpdate.toISOString()).toBe('2030-06-01T00:00:00.000Z');
      expect(status?.nextUpdate.toISOString()).toBe('2030-06-08T00:00:00.000Z');
      for (const entry of sample) expect(status?.entry(entry.serialNumberHex)).toEqual(entry);
      expect(status?.entry(sample[0].serialNumberHex.toUpperCase())).toEqual(sample[0]);
      for (const s of absent) expect(status?.entry(s)).toBeUndefined();
      expect(view.crls(SCOPE)).toHaveLength(1);
      expect(view.crls('e'.repeat(64))).toEqual([]);
      expect([...view.revokedFingerprints]).toEqual([fp('b')]);
    });

    it('answers an empty view without reading for no subjects', async () => {
      const view = await repository.revocationView(POOL, []);
      expect(view.revokedFingerprints.size).toBe(0);
      expect(view.crls(SCOPE)).toEqual([]);
    });

    it('refuses an older or equal CRL (not_newer): nothing changes, the epoch stays, and its buckets are gone', async () => {
      const before = await trustEpoch();
      const stored = await storedCrlItem();
      for (const candidate of [
        crl({ crlNumber: '9', thisUpdate: '2031-01-01T00:00:00.000Z' }),
        crl({ crlNumber: '10', thisUpdate: '2031-01-01T00:00:00.000Z' }),
      ]) {
        expect(await repository.putCrl(POOL, candidate, entries(50))).toBe('not_newer');
      }
      expect(await storedCrlItem()).toEqual(stored);
      expect(await trustEpoch()).toBe(before);
      expect([...(await bucketCrlIds()).keys()]).toEqual([stored?.crlId]);
    });

    it('replaces it with a newer CRL: the old buckets are deleted and the view answers from the new entries', async () => {
      const previous = String((await storedCrlItem())?.crlId);
      const fresh = entries(5);
      expect(await repository.putCrl(POOL, crl({ crlNumber: '11', thisUpdate: '2030-06-02T00:00:00.000Z', revokedCount: 5 }), fresh)).toBe('stored');
      const current = await storedCrlItem();
      expect(current).toMatchObject({ crlNumber: '11', bucketCount: 1 });
      expect(current?.crlId).not.toBe(previous);
      expect([...(await bucketCrlIds()).entries()]).toEqual([[current?.crlId, 1]]);
      const view = await repository.revocationView(POOL, [subject(large[0].serialNumberHex), subject(fresh[4].serialNumberHex)]);
      expect(view.crls(SCOPE)[0]?.entry(large[0].serialNumberHex)).toBeUndefined();
      expect(view.crls(SCOPE)[0]?.entry(fresh[4].serialNumberHex)).toEqual(fresh[4]);
    });

    it('stores an empty CRL as one empty bucket, and lists CRLs without their entries', async () => {
      expect(await repository.putCrl(POOL, crl({ crlNumber: '12', thisUpdate: '2030-06-03T00:00:00.000Z' }), [])).toBe('stored');
      expect([...(await bucketCrlIds()).values()]).toEqual([1]);
      expect((await repository.revocationView(POOL, [subject('01')])).crls(SCOPE)[0]?.entry('01')).toBeUndefined();
      expect(await repository.listCrls(POOL)).toEqual([listed(crl({ crlNumber: '12', thisUpdate: '2030-06-03T00:00:00.000Z' }))]);
    });

    it('applies isNewerCrl exactly in the write condition (reads blinded): by cRLNumber when both have one, else by thisUpdate', async () => {
      // Its GetItem sees no stored CRL, as a concurrent upload's read would have: only the conditional Put can refuse.
      const blindClient = withOverrides(client, { get: async () => ({ $metadata: {} }) });
      const blind = new DynamoRevocationRepository(blindClient, tableName, TEST_TRUST_WINDOW, () => now);
      const t = (day: number) => `2030-07-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      const cases: Array<[{ crlNumber?: string; thisUpdate: string }, { crlNumber?: string; thisUpdate: string }]> = [
        [
          { crlNumber: '5', thisUpdate: t(5) },
          { crlNumber: '6', thisUpdate: t(1) },
        ],
        [
          { crlNumber: '5', thisUpdate: t(5) },
          { crlNumber: '4', thisUpdate: t(9) },
        ],
        [
          { crlNumber: '9', thisUpdate: t(5) },
          { crlNumber: '10', thisUpdate: t(5) },
        ],
        [
          { crlNumber: '100', thisUpdate: t(5) },
          { crlNumber: '99', thisUpdate: t(6) },
        ],
        [{ crlNumber: '5', thisUpdate: t(5) }, { thisUpdate: t(6) }],
        [{ crlNumber: '5', thisUpdate: t(5) }, { thisUpdate: t(4) }],
        [{ thisUpdate: t(5) }, { crlNumber: '1', thisUpdate: t(6) }],
        [{ thisUpdate: t(5) }, { crlNumber: '1', thisUpdate: t(5) }],
        [{ thisUpdate: t(5) }, { thisUpdate: t(5) }],
      ];
      for (const [index, [stored, candidate]] of cases.entries()) {
        const issuer = `${index.toString(16).padStart(2, '0')}${'b'.repeat(62)}`;
        expect(await repository.putCrl(POOL, crl({ scopeId: issuer, ...stored }), [])).toBe('stored');
        const expected = isNewerCrl({ ...candidate, thisUpdate: new Date(candidate.thisUpdate) }, { ...stored, thisUpdate: new Date(stored.thisUpdate) });
        expect([stored, candidate, await blind.putCrl(POOL, crl({ scopeId: issuer, ...candidate }), entries(3))]).toEqual([
          stored,
          candidate,
          expected ? 'stored' : 'not_newer',
        ]);
        expect((await storedCrlItem(issuer))?.crlNumber).toBe((expected ? candidate : stored).crlNumber);
        const current = await storedCrlItem(issuer);
        const buckets = await bucketCrlIds(issuer);
        expect(buckets.get(String(current?.crlId))).toBe(Number(current?.bucketCount));
        // A refused upload removes its own buckets; a blinded winner cannot know the CRL it replaced (the sweep's job).
        if (!expected) expect([...buckets.keys()]).toEqual([current?.crlId]);
      }
    });

    it('lets the newer of two concurrent uploads win, every round, and only its buckets are referenced', async () => {
      const issuer = 'c'.repeat(64);
      for (let round = 1; round <= 12; round++) {
        const older = { crl: crl({ scopeId: issuer, crlNumber: String(round * 10), thisUpdate: '2030-06-01T00:00:00.000Z' }), entries: entries(1_500) };
        const newer = { crl: crl({ scopeId: issuer, crlNumber: String(round * 10 + 5), thisUpdate: '2030-06-01T00:00:00.000Z' }), entries: entries(1_500) };
        const [a, b] = round % 2 === 0 ? [older, newer] : [newer, older];
        const results = await Promise.all([repository.putCrl(POOL, a.crl, a.entries), repository.putCrl(POOL, b.crl, b.entries)]);
        expect(results[a === newer ? 0 : 1]).toBe('stored');
        const current = await storedCrlItem(issuer);
        expect(current?.crlNumber).toBe(newer.crl.crlNumber);
        expect((await bucketCrlIds(issuer)).get(String(current?.crlId))).toBe(Number(current?.bucketCount));
        const probe = await repository.revocationView(POOL, [
          subject(newer.entries[3].serialNumberHex, issuer),
          subject(older.entries[3].serialNumberHex, issuer),
        ]);
        expect(probe.crls(issuer)[0]?.entry(newer.entries[3].serialNumberHex)).toEqual(newer.entries[3]);
        expect(probe.crls(issuer)[0]?.entry(older.entries[3].serialNumberHex)).toBeUndefined();
      }
      // Buckets of an upload that lost the race after committing may linger until they are older than any upload in flight.
      now += 16 * 60 * 1000;
      expect(await repository.putCrl(POOL, crl({ scopeId: issuer, crlNumber: '1000' }), entries(10))).toBe('stored');
      expect([...(await bucketCrlIds(issuer)).keys()]).toEqual([(await storedCrlItem(issuer))?.crlId]);
    });

    it('sweeps dead buckets of an earlier crash on the next upload, but spares recent ones that may be in flight', async () => {
      const issuer = 'd'.repeat(64);
      const hex = (ms: number) => ms.toString(16).padStart(12, '0');
      const dead = keys.crlScopeEntries(POOL, issuer, `${hex(now - 60 * 60 * 1000)}0000000000000000`, 0);
      const inFlight = keys.crlScopeEntries(POOL, issuer, `${hex(now - 1000)}1111111111111111`, 0);
      for (const key of [dead, inFlight])
        await db.send(new PutCommand({ TableName: tableName, Item: { ...key, type: 'crlEntries', crlId: key.sk.split('#')[2], entries: {} } }));
      expect(await repository.putCrl(POOL, crl({ scopeId: issuer }), [])).toBe('stored');
      const remaining = [...(await bucketCrlIds(issuer)).keys()].sort();
      expect(remaining).toEqual([String((await storedCrlItem(issuer))?.crlId), inFlight.sk.split('#')[2]].sort());
    });

    it('fails closed (503) when a referenced bucket is missing, rather than answer "not revoked"', async () => {
      const current = await storedCrlItem();
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.crlScopeEntries(POOL, SCOPE, String(current?.crlId), 0) }));
      await expect(repository.revocationView(POOL, [subject('01')])).rejects.toBeInstanceOf(DependencyError);
    });

    it('deletes a CRL with its buckets (true, epoch +1); an unknown one is false and moves nothing', async () => {
      expect(await repository.putCrl(POOL, crl({ crlNumber: '13', thisUpdate: '2030-06-04T00:00:00.000Z' }), entries(3_000))).toBe('stored');
      const before = await trustEpoch();
      expect(await repository.deleteCrl(POOL, crl().id)).toBe(true);
      expect(await trustEpoch()).toBe(before + 1);
      expect(await storedCrlItem()).toBeUndefined();
      expect(await bucketCrlIds()).toEqual(new Map());
      expect((await repository.revocationView(POOL, [subject('01')])).crls(SCOPE)).toEqual([]);
      expect(await repository.deleteCrl(POOL, crl().id)).toBe(false);
      expect(await trustEpoch()).toBe(before + 1);
    });

    it("keeps the current CRL of each signing key of a scope side by side: listed apart, read together, each replaced only by its own key's newer CRL", async () => {
      const scope = '5'.repeat(64);
      const [caKey, crlKey] = [fp('6'), fp('7')];
      const byCa = entries(3);
      const byCrlKey = entries(3);
      expect(await repository.putCrl(POOL, crl({ scopeId: scope, signerId: caKey, crlNumber: '40' }), byCa)).toBe('stored');
      expect(await repository.putCrl(POOL, crl({ scopeId: scope, signerId: crlKey, crlNumber: '2' }), byCrlKey)).toBe('stored');
      // Each key has its own sequence: key 2's CRL #2 is not older than key 1's #40, and does not replace it.
      expect(await repository.putCrl(POOL, crl({ scopeId: scope, signerId: crlKey, crlNumber: '2' }), [])).toBe('not_newer');
      const ids = (await repository.listCrls(POOL)).filter((c) =>
        [crl({ scopeId: scope, signerId: caKey }).id, crl({ scopeId: scope, signerId: crlKey }).id].includes(c.id),
      );
      expect(ids.map((c) => c.crlNumber).sort()).toEqual(['2', '40']);
      const view = await repository.revocationView(POOL, [subject(byCa[0].serialNumberHex, scope), subject(byCrlKey[1].serialNumberHex, scope)]);
      expect(
        view
          .crls(scope)
          .map((c) => [c.entry(byCa[0].serialNumberHex)?.serialNumberHex, c.entry(byCrlKey[1].serialNumberHex)?.serialNumberHex])
          .sort(),
      ).toEqual(
        [
          [byCa[0].serialNumberHex, undefined],
          [undefined, byCrlKey[1].serialNumberHex],
        ].sort(),
      );
      expect(await repository.deleteCrl(POOL, crl({ scopeId: scope, signerId: caKey }).id)).toBe(true);
      expect(
        (await repository.revocationView(POOL, [subject(byCa[0].serialNumberHex, scope)])).crls(scope).map((c) => c.entry(byCa[0].serialNumberHex)),
      ).toEqual([undefined]);
      expect([...(await bucketCrlIds(scope)).keys()]).toEqual([(await storedCrlItem(scope, crlKey))?.crlId]);
      expect(await repository.deleteCrl(POOL, crl({ scopeId: scope, signerId: crlKey }).id)).toBe(true);
      expect(await bucketCrlIds(scope)).toEqual(new Map());
    });

    it(`refuses a CRL of a ${MAX_CRLS_PER_SCOPE + 1}th signing key in one scope, writing nothing: crl_signing_keys_exceeded`, async () => {
      const scope = '6'.repeat(64);
      const key = (i: number) => i.toString(16).padStart(64, 'e');
      for (let i = 0; i < MAX_CRLS_PER_SCOPE; i++) expect(await repository.putCrl(POOL, crl({ scopeId: scope, signerId: key(i) }), [])).toBe('stored');
      const before = await trustEpoch();
      await expect(repository.putCrl(POOL, crl({ scopeId: scope, signerId: key(MAX_CRLS_PER_SCOPE) }), [])).rejects.toMatchObject({
        code: 'crl_signing_keys_exceeded',
      });
      expect(await trustEpoch()).toBe(before);
      expect((await bucketCrlIds(scope)).size).toBe(MAX_CRLS_PER_SCOPE);
      // A key already holding one may still replace it.
      expect(await repository.putCrl(POOL, crl({ scopeId: scope, signerId: key(0), thisUpdate: '2030-06-02T00:00:00.000Z' }), [])).toBe('stored');
      for (let i = 0; i < MAX_CRLS_PER_SCOPE; i++) expect(await repository.deleteCrl(POOL, crl({ scopeId: scope, signerId: key(i) }).id)).toBe(true);
    });

    it("stores the signer's path with the CRL, and the view reads the state of its certificates with the path's", async () => {
      const scope = '8'.repeat(64);
      const signerScope = '9'.repeat(64);
      const signer: RevocationSubject = {
        scopeId: signerScope,
        legacyIssuerIds: [fp('c')],
        serialNumberHex: '5a',
        fingerprint: fp('d'),
        issuerSerialId: fp('e'),
        keyId: fp('f'),
        subjectDn: 'CN=Device Intermediate CA,O=Organization,C=US',
        issuerDn: 'CN=Root CA',
        delegatesRevocation: false,
      };
      expect(await repository.putCrl(POOL, crl({ scopeId: scope, signerPath: [signer] }), [])).toBe('stored');
      expect(
        await repository.putCrl(POOL, crl({ scopeId: signerScope, issuer: 'CN=Root CA' }), [
          { serialNumberHex: '5a', revocationDate: new Date('2030-01-01T00:00:00Z') },
        ]),
      ).toBe('stored');
      expect(await repository.putRevocation(POOL, revocation(fp('d')))).toBe(true);
      const view = await repository.revocationView(POOL, [subject('01', scope)]);
      expect(view.crls(scope).map((c) => c.signerPath)).toEqual([[signer]]);
      expect([...view.revokedFingerprints]).toEqual([fp('d')]);
      expect(view.crls(signerScope)[0]?.entry('5a')).toMatchObject({ serialNumberHex: '5a' });
      expect(await repository.deleteRevocation(POOL, fp('d'))).toBe(true);
      for (const scopeId of [scope, signerScope]) expect(await repository.deleteCrl(POOL, crl({ scopeId }).id)).toBe(true);
    });

    describe('a CRL stored before scopes existed (CRL#{signer}, as the previous version wrote it)', () => {
      const legacySigner = fp('b');
      const legacyScope = `${'b'.repeat(63)}c`;
      const legacyEntries = entries(4);
      const writeLegacy = async (crlNumber: string) => {
        const crlId = `${(now - 60 * 60 * 1000).toString(16).padStart(12, '0')}${'0'.repeat(16)}`;
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.crlEntries(POOL, legacySigner, crlId, 0),
              type: 'crlEntries',
              crlId,
              entries: Object.fromEntries(legacyEntries.map((e) => [e.serialNumberHex, { d: e.revocationDate.toISOString() }])),
            },
          }),
        );
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.crl(POOL, legacySigner),
              type: 'crl',
              id: legacySigner,
              issuer: 'CN=Legacy CA',
              thisUpdate: '2030-06-01T00:00:00.000Z',
              nextUpdate: '2030-06-08T00:00:00.000Z',
              crlNumber,
              crlNumberKey: crlNumber.padStart(49, '0'),
              revokedCount: legacyEntries.length,
              sha256: 'f'.repeat(64),
              uploadedAt: '2030-06-01T00:00:01.000Z',
              crlId,
              bucketCount: 1,
            },
          }),
        );
      };
      const legacyView = () =>
        repository.revocationView(POOL, [subject(legacyEntries[2].serialNumberHex, legacyScope, fp('0'), fp('1'), fp('2'), [legacySigner])]);

      it('is listed, read by the key of the issuer on the path, and deleted by its id', async () => {
        await writeLegacy('7');
        expect((await repository.listCrls(POOL)).find((c) => c.id === legacySigner)).toEqual({
          id: legacySigner,
          issuer: 'CN=Legacy CA',
          thisUpdate: '2030-06-01T00:00:00.000Z',
          nextUpdate: '2030-06-08T00:00:00.000Z',
          crlNumber: '7',
          revokedCount: 4,
          sha256: 'f'.repeat(64),
          uploadedAt: '2030-06-01T00:00:01.000Z',
        });
        const view = await legacyView();
        expect(view.legacyCrl(legacySigner)?.entry(legacyEntries[2].serialNumberHex)).toMatchObject({ serialNumberHex: legacyEntries[2].serialNumberHex });
        expect(view.crls(legacyScope)).toEqual([]);
        const before = await trustEpoch();
        expect(await repository.deleteCrl(POOL, legacySigner)).toBe(true);
        expect(await trustEpoch()).toBe(before + 1);
        expect(await items(keys.crlEntriesPrefix(legacySigner))).toEqual([]);
        expect((await legacyView()).legacyCrl(legacySigner)).toBeUndefined();
      });

      it('must be older than the next upload of its signer, which replaces it in the same commit (epoch +1) and removes its buckets', async () => {
        await writeLegacy('7');
        const upload = crl({ scopeId: legacyScope, signerId: legacySigner, crlNumber: '7', issuer: 'CN=Legacy CA' });
        expect(await repository.putCrl(POOL, upload, [])).toBe('not_newer');
        expect(await storedCrlItem(legacyScope, legacySigner)).toBeUndefined();
        const before = await trustEpoch();
        expect(await repository.putCrl(POOL, { ...upload, crlNumber: '8' }, legacyEntries.slice(0, 1))).toBe('stored');
        expect(await trustEpoch()).toBe(before + 1);
        expect((await items(keys.crlPrefix)).map((i) => i.sk)).not.toContain(keys.crl(POOL, legacySigner).sk);
        expect(await items(keys.crlEntriesPrefix(legacySigner))).toEqual([]);
        const view = await legacyView();
        expect(view.legacyCrl(legacySigner)).toBeUndefined();
        expect(view.crls(legacyScope).map((c) => c.entry(legacyEntries[2].serialNumberHex))).toEqual([undefined]);
        expect((await repository.listCrls(POOL)).filter((c) => c.issuer === 'CN=Legacy CA').map((c) => [c.id, c.crlNumber])).toEqual([[upload.id, '8']]);
        expect(await repository.deleteCrl(POOL, upload.id)).toBe(true);
      });
    });

    it('writes no metadata and leaves no buckets for a pool that does not exist', async () => {
      await expect(repository.putCrl('pool-missing-2', crl(), entries(10))).rejects.toMatchObject({ code: 'pool_not_found' });
      expect(await items('', 'pool-missing-2')).toEqual([]);
    });
  });
});

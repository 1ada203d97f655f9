import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CertificateRevocation, StoredCrl } from '../../../src/domain/model';
import type { CrlEntry } from '../../../src/domain/revocation';
import { isNewerCrl } from '../../../src/domain/revocation';
import { DependencyError } from '../../../src/errors';
import { bucketOf } from '../../../src/storage/crl-buckets';
import { DynamoRevocationRepository } from '../../../src/storage/dynamo-revocation-repository';
import { keys } from '../../../src/storage/keys';
import { createTestTable, testDocumentClient } from '../../support/emulators';

/* SPEC §3.4 state against DynamoDB Local: revocations, bucketed CRLs, the token path's view, and the trustEpoch. */
describe('DynamoRevocationRepository', () => {
  let tableName: string;
  let repository: DynamoRevocationRepository;
  let now = Date.now();
  const db = testDocumentClient();
  const POOL = 'pool-revocations';
  const ISSUER = 'a'.repeat(64);
  const fp = (digit: string) => digit.repeat(64);
  const serial = () => randomBytes(16).toString('hex').replace(/^0+/, '') || '1';

  const revocation = (fingerprint: string, extra: Partial<CertificateRevocation> = {}): CertificateRevocation => ({
    id: fingerprint,
    fingerprint,
    reason: 'keyCompromise',
    revokedAt: '2030-06-01T00:00:00.000Z',
    ...extra,
  });
  const crl = (extra: Partial<StoredCrl> = {}): StoredCrl => ({
    id: ISSUER,
    issuer: 'CN=Device Intermediate CA,O=Organization,C=US',
    thisUpdate: '2030-06-01T00:00:00.000Z',
    nextUpdate: '2030-06-08T00:00:00.000Z',
    revokedCount: 0,
    sha256: 'f'.repeat(64),
    uploadedAt: '2030-06-01T00:00:01.000Z',
    ...extra,
  });
  const entries = (count: number): CrlEntry[] =>
    Array.from({ length: count }, (_, i) => ({
      serialNumberHex: serial(),
      revocationDate: new Date(Date.UTC(2030, 0, 1, 0, 0, i % 86_400)),
      ...(i % 3 === 0 ? { reason: 'keyCompromise' as const } : {}),
    }));

  const createPool = (poolId: string) => db.send(new PutCommand({ TableName: tableName, Item: { ...keys.pool(poolId), type: 'pool', clientPoolId: poolId, orgId: 'o', envId: 'e' } }));
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
  const storedCrlItem = async (issuerId = ISSUER, poolId = POOL) =>
    (await db.send(new GetCommand({ TableName: tableName, Key: keys.crl(poolId, issuerId), ConsistentRead: true }))).Item;
  /** crlIds of the issuer's bucket items, with how many buckets each has. */
  const bucketCrlIds = async (issuerId = ISSUER, poolId = POOL) => {
    const counts = new Map<string, number>();
    for (const item of await items(keys.crlEntriesPrefix(issuerId), poolId)) counts.set(String(item.crlId), (counts.get(String(item.crlId)) ?? 0) + 1);
    return counts;
  };
  const subject = (serialNumberHex: string, issuerId = ISSUER, fingerprint = fp('0')) => ({ issuerId, serialNumberHex, fingerprint });

  beforeAll(async () => {
    tableName = await createTestTable();
    repository = new DynamoRevocationRepository(db, tableName, () => now);
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

  describe('CRLs', () => {
    let large: CrlEntry[];

    it('stores a 30,000-entry CRL in several buckets, each one item well under 400 KB, and moves the epoch once', async () => {
      large = entries(30_000);
      const before = await trustEpoch();
      expect(await repository.putCrl(POOL, crl({ crlNumber: '10', revokedCount: large.length }), large)).toBe('stored');
      expect(await trustEpoch()).toBe(before + 1);
      const metadata = await storedCrlItem();
      expect(metadata).toMatchObject({ id: ISSUER, crlNumber: '10', revokedCount: 30_000, crlNumberKey: '10'.padStart(49, '0') });
      const bucketCount = Number(metadata?.bucketCount);
      expect(bucketCount).toBeGreaterThanOrEqual(16);
      expect(bucketCount & (bucketCount - 1)).toBe(0);
      const buckets = await items(keys.crlEntriesPrefix(ISSUER));
      expect(buckets).toHaveLength(bucketCount);
      const sizes = buckets.map((b) => Object.keys(b.entries as object).length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(30_000);
      expect(Math.max(...sizes)).toBeLessThan(4_000);
      expect(Math.max(...buckets.map((b) => JSON.stringify(b).length))).toBeLessThan(300 * 1024);
    });

    it('answers the token path: revoked serials across buckets with date and reason, others not, fingerprints separately', async () => {
      const bucketCount = Number((await storedCrlItem())?.bucketCount);
      const sample = [large[0], large[1], large[7_777], large[29_999], large[15_001]];
      expect(new Set(sample.map((e) => bucketOf(e.serialNumberHex, bucketCount))).size).toBeGreaterThan(1);
      const absent = ['1', serial(), serial()];
      const view = await repository.revocationView(POOL, [
        ...sample.map((e) => subject(e.serialNumberHex)),
        ...absent.map((s) => subject(s, ISSUER, fp('b'))),
        subject('01', 'e'.repeat(64)),
      ]);
      const status = view.crl(ISSUER);
      expect(status).toMatchObject({ issuerDn: 'CN=Device Intermediate CA,O=Organization,C=US' });
      expect(status?.thisUpdate.toISOString()).toBe('2030-06-01T00:00:00.000Z');
      expect(status?.nextUpdate.toISOString()).toBe('2030-06-08T00:00:00.000Z');
      for (const entry of sample) expect(status?.entry(entry.serialNumberHex)).toEqual(entry);
      expect(status?.entry(sample[0].serialNumberHex.toUpperCase())).toEqual(sample[0]);
      for (const s of absent) expect(status?.entry(s)).toBeUndefined();
      expect(view.crl('e'.repeat(64))).toBeUndefined();
      expect([...view.revokedFingerprints]).toEqual([fp('b')]);
    });

    it('answers an empty view without reading for no subjects', async () => {
      const view = await repository.revocationView(POOL, []);
      expect(view.revokedFingerprints.size).toBe(0);
      expect(view.crl(ISSUER)).toBeUndefined();
    });

    it('refuses an older or equal CRL (not_newer): nothing changes, the epoch stays, and its buckets are gone', async () => {
      const before = await trustEpoch();
      const stored = await storedCrlItem();
      for (const candidate of [crl({ crlNumber: '9', thisUpdate: '2031-01-01T00:00:00.000Z' }), crl({ crlNumber: '10', thisUpdate: '2031-01-01T00:00:00.000Z' })]) {
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
      expect(view.crl(ISSUER)?.entry(large[0].serialNumberHex)).toBeUndefined();
      expect(view.crl(ISSUER)?.entry(fresh[4].serialNumberHex)).toEqual(fresh[4]);
    });

    it('stores an empty CRL as one empty bucket, and lists CRLs without their entries', async () => {
      expect(await repository.putCrl(POOL, crl({ crlNumber: '12', thisUpdate: '2030-06-03T00:00:00.000Z' }), [])).toBe('stored');
      expect([...(await bucketCrlIds()).values()]).toEqual([1]);
      expect((await repository.revocationView(POOL, [subject('01')])).crl(ISSUER)?.entry('01')).toBeUndefined();
      expect(await repository.listCrls(POOL)).toEqual([crl({ crlNumber: '12', thisUpdate: '2030-06-03T00:00:00.000Z' })]);
    });

    it('applies isNewerCrl exactly in the write condition (reads blinded): by cRLNumber when both have one, else by thisUpdate', async () => {
      // Its GetItem sees no stored CRL, as a concurrent upload's read would have: only the conditional Put can refuse.
      const blindClient = Object.create(db, {
        send: { value: (command: unknown) => (command instanceof GetCommand ? Promise.resolve({}) : db.send(command as never)) },
      }) as typeof db;
      const blind = new DynamoRevocationRepository(blindClient, tableName, () => now);
      const t = (day: number) => `2030-07-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      const cases: Array<[{ crlNumber?: string; thisUpdate: string }, { crlNumber?: string; thisUpdate: string }]> = [
        [{ crlNumber: '5', thisUpdate: t(5) }, { crlNumber: '6', thisUpdate: t(1) }],
        [{ crlNumber: '5', thisUpdate: t(5) }, { crlNumber: '4', thisUpdate: t(9) }],
        [{ crlNumber: '9', thisUpdate: t(5) }, { crlNumber: '10', thisUpdate: t(5) }],
        [{ crlNumber: '100', thisUpdate: t(5) }, { crlNumber: '99', thisUpdate: t(6) }],
        [{ crlNumber: '5', thisUpdate: t(5) }, { thisUpdate: t(6) }],
        [{ crlNumber: '5', thisUpdate: t(5) }, { thisUpdate: t(4) }],
        [{ thisUpdate: t(5) }, { crlNumber: '1', thisUpdate: t(6) }],
        [{ thisUpdate: t(5) }, { crlNumber: '1', thisUpdate: t(5) }],
        [{ thisUpdate: t(5) }, { thisUpdate: t(5) }],
      ];
      for (const [index, [stored, candidate]] of cases.entries()) {
        const issuer = `${index.toString(16).padStart(2, '0')}${'b'.repeat(62)}`;
        expect(await repository.putCrl(POOL, crl({ id: issuer, ...stored }), [])).toBe('stored');
        const expected = isNewerCrl({ ...candidate, thisUpdate: new Date(candidate.thisUpdate) }, { ...stored, thisUpdate: new Date(stored.thisUpdate) });
        expect([stored, candidate, await blind.putCrl(POOL, crl({ id: issuer, ...candidate }), entries(3))]).toEqual([stored, candidate, expected ? 'stored' : 'not_newer']);
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
        const older = { crl: crl({ id: issuer, crlNumber: String(round * 10), thisUpdate: '2030-06-01T00:00:00.000Z' }), entries: entries(1_500) };
        const newer = { crl: crl({ id: issuer, crlNumber: String(round * 10 + 5), thisUpdate: '2030-06-01T00:00:00.000Z' }), entries: entries(1_500) };
        const [a, b] = round % 2 === 0 ? [older, newer] : [newer, older];
        const results = await Promise.all([repository.putCrl(POOL, a.crl, a.entries), repository.putCrl(POOL, b.crl, b.entries)]);
        expect(results[a === newer ? 0 : 1]).toBe('stored');
        const current = await storedCrlItem(issuer);
        expect(current?.crlNumber).toBe(newer.crl.crlNumber);
        expect((await bucketCrlIds(issuer)).get(String(current?.crlId))).toBe(Number(current?.bucketCount));
        const probe = await repository.revocationView(POOL, [subject(newer.entries[3].serialNumberHex, issuer), subject(older.entries[3].serialNumberHex, issuer)]);
        expect(probe.crl(issuer)?.entry(newer.entries[3].serialNumberHex)).toEqual(newer.entries[3]);
        expect(probe.crl(issuer)?.entry(older.entries[3].serialNumberHex)).toBeUndefined();
      }
      // Buckets of an upload that lost the race after committing may linger until they are older than any upload in flight.
      now += 16 * 60 * 1000;
      expect(await repository.putCrl(POOL, crl({ id: issuer, crlNumber: '1000' }), entries(10))).toBe('stored');
      expect([...(await bucketCrlIds(issuer)).keys()]).toEqual([(await storedCrlItem(issuer))?.crlId]);
    });

    it('sweeps dead buckets of an earlier crash on the next upload, but spares recent ones that may be in flight', async () => {
      const issuer = 'd'.repeat(64);
      const hex = (ms: number) => ms.toString(16).padStart(12, '0');
      const dead = keys.crlEntries(POOL, issuer, `${hex(now - 60 * 60 * 1000)}0000000000000000`, 0);
      const inFlight = keys.crlEntries(POOL, issuer, `${hex(now - 1000)}1111111111111111`, 0);
      for (const key of [dead, inFlight]) await db.send(new PutCommand({ TableName: tableName, Item: { ...key, type: 'crlEntries', crlId: key.sk.split('#')[2], entries: {} } }));
      expect(await repository.putCrl(POOL, crl({ id: issuer }), [])).toBe('stored');
      const remaining = [...(await bucketCrlIds(issuer)).keys()].sort();
      expect(remaining).toEqual([String((await storedCrlItem(issuer))?.crlId), inFlight.sk.split('#')[2]].sort());
    });

    it('fails closed (503) when a referenced bucket is missing, rather than answer "not revoked"', async () => {
      const current = await storedCrlItem();
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.crlEntries(POOL, ISSUER, String(current?.crlId), 0) }));
      await expect(repository.revocationView(POOL, [subject('01')])).rejects.toBeInstanceOf(DependencyError);
    });

    it('deletes a CRL with its buckets (true, epoch +1); an unknown one is false and moves nothing', async () => {
      expect(await repository.putCrl(POOL, crl({ crlNumber: '13', thisUpdate: '2030-06-04T00:00:00.000Z' }), entries(3_000))).toBe('stored');
      const before = await trustEpoch();
      expect(await repository.deleteCrl(POOL, ISSUER)).toBe(true);
      expect(await trustEpoch()).toBe(before + 1);
      expect(await storedCrlItem()).toBeUndefined();
      expect(await bucketCrlIds()).toEqual(new Map());
      expect((await repository.revocationView(POOL, [subject('01')])).crl(ISSUER)).toBeUndefined();
      expect(await repository.deleteCrl(POOL, ISSUER)).toBe(false);
      expect(await trustEpoch()).toBe(before + 1);
    });

    it('writes no metadata and leaves no buckets for a pool that does not exist', async () => {
      await expect(repository.putCrl('pool-missing-2', crl(), entries(10))).rejects.toMatchObject({ code: 'pool_not_found' });
      expect(await items('', 'pool-missing-2')).toEqual([]);
    });
  });
});

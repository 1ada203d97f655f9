import { createHash } from 'node:crypto';
import type { CertificateRevocation, Pool, RootCertificate, StoredCrl } from '../../../src/domain/model';
import { type CrlEntry, fingerprintIdentities, isNewerCrl, matchesOf, type RevocationIdentities } from '../../../src/domain/revocation';
import { DomainError } from '../../../src/errors';
import type { Principal } from '../../../src/usecases/authenticate';
import type { RevocationRepository } from '../../../src/usecases/ports';
import { RevocationService } from '../../../src/usecases/revocations';
import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';
import { CRL_NOW, makeCrl } from '../revocation/crl-builder';

const ADMIN: Principal = { kind: 'admin' };
const ORG: Principal = { kind: 'org', orgId: 'acme', keyId: 'k1' };
const POOL = 'pool-1';

/** The repository's contract in memory, freshness by isNewerCrl; `lostPuts` makes putRevocation report "exists" while it is gone. */
class InMemoryRevocations implements RevocationRepository {
  readonly revocations = new Map<string, CertificateRevocation>();
  readonly identities = new Map<string, RevocationIdentities>();
  readonly crls = new Map<string, { crl: StoredCrl; entries: readonly CrlEntry[] }>();
  lostPuts = 0;
  /** How many answers waited for another request's trust change to settle. */
  settles = 0;

  async settleTrustChange(): Promise<void> {
    this.settles++;
  }

  async putRevocation(_pool: string, revocation: Omit<CertificateRevocation, 'matches'>, identities = fingerprintIdentities(revocation.fingerprint)) {
    if (this.lostPuts > 0) {
      this.lostPuts--;
      return false;
    }
    if (this.revocations.has(revocation.id)) return false;
    this.revocations.set(revocation.id, { ...revocation, matches: matchesOf(identities) });
    this.identities.set(revocation.id, identities);
    return true;
  }
  async extendRevocation(
    _pool: string,
    id: string,
    details: Pick<CertificateRevocation, 'subject' | 'issuer' | 'serialNumber'>,
    identities: RevocationIdentities,
  ) {
    const stored = this.revocations.get(id);
    if (!stored || stored.matches.length > 1) return undefined;
    const extended = { ...stored, ...details, matches: matchesOf(identities) };
    this.revocations.set(id, extended);
    this.identities.set(id, identities);
    return extended;
  }
  async getRevocation(_pool: string, id: string) {
    return this.revocations.get(id);
  }
  async listRevocations() {
    return [...this.revocations.values()];
  }
  async deleteRevocation(_pool: string, id: string) {
    return this.revocations.delete(id);
  }
  async putCrl(_pool: string, crl: StoredCrl, entries: readonly CrlEntry[]) {
    const stored = this.crls.get(crl.id)?.crl;
    const freshness = (c: StoredCrl) => ({ crlNumber: c.crlNumber, thisUpdate: new Date(c.thisUpdate) });
    if (stored && !isNewerCrl(freshness(crl), freshness(stored))) return 'not_newer' as const;
    this.crls.set(crl.id, { crl, entries });
    return 'stored' as const;
  }
  async listCrls() {
    return [...this.crls.values()].map((c) => c.crl);
  }
  async deleteCrl(_pool: string, id: string) {
    return this.crls.delete(id);
  }
  async revocationView(): Promise<never> {
    throw new Error('not used by the admin use case');
  }
}

describe('RevocationService (docs/contract.md §3.4)', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;
  let repository: InMemoryRevocations;
  let pools: string[];
  let now: Date;
  let service: RevocationService;
  const rootRecord = (certificate: TestCertificate): RootCertificate => ({
    anchorId: createHash('sha256').update(certificate.der).digest('hex'),
    fingerprint: createHash('sha256').update(certificate.der).digest('hex'),
    fingerprints: [createHash('sha256').update(certificate.der).digest('hex')],
    subject: 'CN=root',
    notBefore: '',
    notAfter: '',
    filename: 'root.pem',
    uploadedAt: '',
    der: Buffer.from(certificate.der).toString('base64'),
    objectKey: '',
  });
  const code = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'resolved';
    } catch (error) {
      return error instanceof DomainError ? error.code : String(error);
    }
  };

  beforeAll(async () => {
    root = await makeRoot({ cn: 'Unit Root' });
    intermediate = await makeIntermediate(root, { cn: 'Unit Intermediate' });
    device = await makeLeaf(intermediate, { cn: 'device-1' });
  });
  beforeEach(() => {
    repository = new InMemoryRevocations();
    pools = [];
    now = CRL_NOW;
    service = new RevocationService({
      directory: {
        getPool: async (id) => {
          pools.push(id);
          return id === POOL ? ({ clientPoolId: POOL, orgId: 'acme', envId: 'prod', trustEpoch: 0 } as Pool) : undefined;
        },
      },
      trustStore: { listRoots: async () => [rootRecord(root)] },
      revocations: repository,
      clock: () => now,
    });
  });

  it('refuses an org key before looking at the pool or the body', async () => {
    expect(await code(service.revoke(ORG, POOL, 'not even an object'))).toBe('forbidden');
    expect(await code(service.importCrl(ORG, POOL, { crl: Buffer.from('x') }))).toBe('forbidden');
    expect(await code(service.deleteCrl(ORG, POOL, 'x'))).toBe('forbidden');
    expect(pools).toEqual([]);
  });

  it('answers pool_not_found for an unknown pool before judging the body', async () => {
    expect(await code(service.revoke(ADMIN, 'pool-x', 'not even an object'))).toBe('pool_not_found');
    expect(await code(service.listCrls(ADMIN, 'pool-x'))).toBe('pool_not_found');
  });

  it('returns the stored record (created false) for a certificate already revoked', async () => {
    const first = await service.revoke(ADMIN, POOL, { certificate: device.pem, reason: 'keyCompromise' });
    now = new Date(CRL_NOW.getTime() + 60_000);
    const again = await service.revoke(ADMIN, POOL, { fingerprint: first.revocation.fingerprint.toUpperCase() });
    expect(again).toEqual({ created: false, revocation: first.revocation });
    // Another request's revocation may still be in its settle wait: so is this answer.
    expect(repository.settles).toBe(1);
    expect(first.revocation).toMatchObject({ reason: 'keyCompromise', revokedAt: CRL_NOW.toISOString(), subject: 'CN=device-1,O=Business Unit 1' });
  });

  it("records what a revocation matches: a fingerprint that encoding only, a PEM the certificate too, a CA's PEM also its subject and key", async () => {
    const byFingerprint = await service.revoke(ADMIN, POOL, { fingerprint: 'a'.repeat(64) });
    expect(byFingerprint.revocation.matches).toEqual(['fingerprint']);
    expect(repository.identities.get('a'.repeat(64))).toEqual({ fingerprint: 'a'.repeat(64) });
    const byPem = await service.revoke(ADMIN, POOL, { certificate: device.pem });
    expect(byPem.revocation.matches).toEqual(['fingerprint', 'issuerAndSerial']);
    expect(repository.identities.get(byPem.revocation.id)).toEqual({
      fingerprint: byPem.revocation.id,
      issuerAndSerial: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const ca = await service.revoke(ADMIN, POOL, { certificate: intermediate.pem, reason: 'cACompromise' });
    expect(ca.revocation.matches).toEqual(['fingerprint', 'issuerAndSerial', 'subjectAndKey']);
  });

  it('extends a revocation by fingerprint when the same certificate is then revoked by PEM (created false, reason and date kept)', async () => {
    const fingerprint = createHash('sha256').update(device.der).digest('hex');
    const first = await service.revoke(ADMIN, POOL, { fingerprint, reason: 'superseded' });
    now = new Date(CRL_NOW.getTime() + 60_000);
    const again = await service.revoke(ADMIN, POOL, { certificate: device.pem, reason: 'keyCompromise' });
    expect(again).toEqual({
      created: false,
      revocation: {
        ...first.revocation,
        subject: 'CN=device-1,O=Business Unit 1',
        issuer: 'CN=Unit Intermediate',
        serialNumber: expect.any(String),
        matches: ['fingerprint', 'issuerAndSerial'],
      },
    });
    expect(await service.revoke(ADMIN, POOL, { certificate: device.pem })).toEqual(again);
    expect(await service.revoke(ADMIN, POOL, { fingerprint })).toEqual(again);
  });

  it('revokes again when the record was lifted between the write and the read', async () => {
    repository.lostPuts = 1;
    const result = await service.revoke(ADMIN, POOL, { fingerprint: 'a'.repeat(64) });
    expect(result.created).toBe(true);
    expect(repository.revocations.has('a'.repeat(64))).toBe(true);
  });

  it('refuses the root, by fingerprint or PEM, and stores nothing', async () => {
    expect(await code(service.revoke(ADMIN, POOL, { fingerprint: rootRecord(root).fingerprint }))).toBe('cannot_revoke_root');
    expect(await code(service.revoke(ADMIN, POOL, { certificate: root.pem }))).toBe('cannot_revoke_root');
    const sameKey = await makeRoot({ cn: 'Unit Root', keys: root.keys, notAfter: new Date('2090-01-01Z') });
    expect(await code(service.revoke(ADMIN, POOL, { certificate: sameKey.pem }))).toBe('cannot_revoke_root');
    const sameNameOtherKey = await makeRoot({ cn: 'Unit Root' });
    expect(await code(service.revoke(ADMIN, POOL, { certificate: sameNameOtherKey.pem }))).toBe('resolved');
    expect([...repository.revocations.values()].map((r) => r.subject)).toEqual(['CN=Unit Root']);
  });

  it('imports a CRL of the intermediate, refuses one no newer with crl_not_newer, and maps import refusals to their code', async () => {
    const crl = (crlNumber: bigint) => makeCrl({ issuer: intermediate, crlNumber, entries: [{ serial: 7, reason: 1 }] });
    const stored = await service.importCrl(ADMIN, POOL, { crl: Buffer.from(await crl(5n)), issuer: Buffer.from(intermediate.pem) });
    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      issuer: 'CN=Unit Intermediate',
      thisUpdate: '2030-06-01T00:00:00.000Z',
      nextUpdate: expect.any(String),
      crlNumber: '5',
      revokedCount: 1,
    });
    expect(await code(service.importCrl(ADMIN, POOL, { crl: Buffer.from(await crl(5n)), issuer: Buffer.from(intermediate.pem) }))).toBe('crl_not_newer');
    expect(await code(service.importCrl(ADMIN, POOL, { crl: Buffer.from(await crl(4n)), issuer: Buffer.from(intermediate.pem) }))).toBe('crl_not_newer');
    expect(repository.settles).toBe(2);
    expect(await code(service.importCrl(ADMIN, POOL, { crl: Buffer.from(await crl(6n)) }))).toBe('crl_issuer_unknown');
    expect(await code(service.importCrl(ADMIN, POOL, { crl: Buffer.from(await crl(6n)), issuer: Buffer.from('junk') }))).toBe('issuer_pem_required');
    const sixCertificates = Buffer.from(intermediate.pem.repeat(6));
    expect(await code(service.importCrl(ADMIN, POOL, { crl: Buffer.from(await crl(6n)), issuer: sixCertificates }))).toBe('issuer_chain_too_long');
    expect(repository.crls.get(stored.id)?.entries).toEqual([
      { serialNumberHex: '07', revocationDate: new Date('2030-05-01T00:00:00Z'), reason: 'keyCompromise' },
    ]);
  });

  it('reports the CRL entries left out because no certificate can carry their serial (ignoredCount)', async () => {
    const crl = await makeCrl({
      issuer: intermediate,
      entries: [{ serial: 7 }, { serial: new Uint8Array(40_000).fill(0x11) }, { serial: new Uint8Array([0xff]) }],
    });
    const stored = await service.importCrl(ADMIN, POOL, { crl: Buffer.from(crl), issuer: Buffer.from(intermediate.pem) });
    expect(stored).toMatchObject({ revokedCount: 1, ignoredCount: 2 });
    expect(repository.crls.get(stored.id)?.entries.map((e) => e.serialNumberHex)).toEqual(['07']);
    expect((await service.listCrls(ADMIN, POOL))[0]).not.toHaveProperty('ignoredCount');
  });

  it('lists CRLs with stale = nextUpdate strictly before now', async () => {
    await service.importCrl(ADMIN, POOL, { crl: Buffer.from(await makeCrl({ issuer: root, nextUpdate: new Date('2030-06-20T00:00:00Z') })) });
    now = new Date('2030-06-20T00:00:00Z');
    expect((await service.listCrls(ADMIN, POOL)).map((c) => c.stale)).toEqual([false]);
    now = new Date('2030-06-20T00:00:00.001Z');
    expect((await service.listCrls(ADMIN, POOL)).map((c) => c.stale)).toEqual([true]);
  });

  it('deletes by id: invalid_crl_id for a malformed one, crl_not_found for an unknown one', async () => {
    expect(await code(service.deleteCrl(ADMIN, POOL, 'nope'))).toBe('invalid_crl_id');
    expect(await code(service.deleteCrl(ADMIN, POOL, 'b'.repeat(64)))).toBe('crl_not_found');
    expect(repository.settles).toBe(1);
    expect(await code(service.lift(ADMIN, POOL, 'b'.repeat(64)))).toBe('revocation_not_found');
  });
});

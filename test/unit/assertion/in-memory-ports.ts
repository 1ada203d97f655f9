import { createHash } from 'node:crypto';
import { parseCertificate } from '../../../src/domain/chain';
import type { Binding, Device, RootCertificate } from '../../../src/domain/model';
import { type CrlEntry, type CrlStatus, crlScopeId, type RevocationView } from '../../../src/domain/revocation';
import type { IssueTokenDeps } from '../../../src/usecases/issue-token';
import type { IssuanceCommit, IssuanceOutcome, RevocationKeys } from '../../../src/usecases/ports';
import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';

/**
 * In-memory ports for IssueToken: one pool (its trustEpoch and requireCrl),
 * its roots, revocations and CRLs, devices and bindings, an issuance ledger
 * and a signer, recording every call in order so tests can assert what was
 * read, written and signed.
 *
 * The state follows the storage layer (src/storage/keys.ts): a device record
 * carries a `generation` fixed at creation, a binding the `deviceGeneration`
 * it was written for and a fresh `revision` per write, and every change that
 * takes trust away moves `trustEpoch`. The ledger evaluates exactly the
 * conditions of DynamoIssuanceLedger (device generation and active status,
 * lastSeen not newer, binding revision, jti unspent or expired) on one
 * atomic step, and explains a refusal in the same order (jti, device,
 * binding); it never creates a device record.
 *
 * Hooks let a test change the world at the instants that matter:
 * `beforeCommit` (between the decision's read and its commit, one hook per
 * commit), `afterCommit` (after a commit that wrote, one hook per such
 * commit) and `onGetPool` (at every read). `commitDurationMs` above the
 * deadline makes commits late, so the decision reads the pool again.
 */

export const POOL = 'pool-test';
export const BASE = 'https://idp.example.com';
/** The trust window's deadline in these tests (src/domain/trust-decision-window.ts). */
export const DEADLINE_MS = 1000;

export interface RecordedCommit {
  poolId: string;
  commit: IssuanceCommit;
  outcome: IssuanceOutcome;
}

export interface RecordedViewRequest {
  poolId: string;
  subjects: { scopeId: string; serialNumberHex: string; fingerprint: string }[];
}

export interface SpentJti {
  expiresAt: number;
  attemptId: string;
}

type Refresh = 'refresh' | 'check';

export const fingerprintOf = (certificate: TestCertificate) => createHash('sha256').update(certificate.der).digest('hex');
/** The CRL scope of an issuer's name under the anchor (crlScopeId). */
export const scopeIdOf = (anchor: TestCertificate, issuer: TestCertificate) => crlScopeId(parseCertificate(anchor.der), parseCertificate(issuer.der).subject);
export const serialOf = (certificate: TestCertificate) => parseCertificate(certificate.der).serialNumberHex;

/** The chain the token tests use: Acme Root → Acme Devices (O=Acme) → device-1 (O=Stores North). */
export async function acmeDeviceChain(): Promise<{ root: TestCertificate; intermediate: TestCertificate; device: TestCertificate }> {
  const root = await makeRoot({ cn: 'Acme Root' });
  const intermediate = await makeIntermediate(root, { cn: 'Acme Devices', o: 'Acme' });
  return { root, intermediate, device: await makeLeaf(intermediate, { cn: 'device-1', o: 'Stores North' }) };
}

export class World {
  readonly roots: RootCertificate[] = [];
  readonly devices = new Map<string, Device>();
  /** `${deviceId}|${clientAppId}` → binding; a binding whose deviceGeneration is not its record's is dead. */
  readonly bindings = new Map<string, Binding>();
  /** `${poolId}|${deviceId}|${jti}` → what the ledger spent (replay is per device). */
  readonly spent = new Map<string, SpentJti>();
  readonly revokedFingerprints = new Set<string>();
  /** crlScopeId (under the first trusted root) → the pool's current CRL of that issuer. */
  readonly crls = new Map<string, CrlStatus>();
  trustEpoch = 0;
  requireCrl = false;
  now: Date = TEST_NOW;

  readonly events: string[] = [];
  readonly signed: { header: Record<string, unknown>; payload: Record<string, unknown> }[] = [];
  readonly commits: RecordedCommit[] = [];
  readonly viewRequests: RecordedViewRequest[] = [];

  signerFailure?: Error;
  ledgerFailure?: Error;
  readonly beforeCommit: Array<() => void> = [];
  readonly afterCommit: Array<() => void> = [];
  onGetPool?: () => void;
  /** Monotonic time seen by the use case (elapsedClock); each commit adds commitDurationMs. */
  elapsedMs = 0;
  /** Above DEADLINE_MS, every commit is late: the decision re-reads the pool before the token may leave. */
  commitDurationMs = 0;
  /** false: the decision's read does not cover the validated path, which is then read with revocationView. */
  readCoversRevocation = true;

  private generations = 0;
  private revisions = 0;
  private deviceRevisions = 0;

  trust(root: TestCertificate): void {
    this.roots.push({
      anchorId: fingerprintOf(root),
      fingerprint: fingerprintOf(root),
      fingerprints: [fingerprintOf(root)],
      subject: 'root',
      notBefore: '',
      notAfter: '',
      filename: 'root.crt',
      uploadedAt: '',
      der: Buffer.from(root.der).toString('base64'),
      objectKey: '',
    });
  }

  /** deleteRoot: the anchor goes and the epoch moves, in one step. */
  distrust(root: TestCertificate): void {
    const index = this.roots.findIndex((stored) => stored.fingerprint === fingerprintOf(root));
    if (index < 0) throw new Error('root not trusted');
    this.roots.splice(index, 1);
    this.trustEpoch++;
  }

  /** putRevocation: the revocation and the epoch increment, in one step. */
  revoke(certificate: TestCertificate | string): void {
    this.revokedFingerprints.add(typeof certificate === 'string' ? certificate : fingerprintOf(certificate));
    this.trustEpoch++;
  }

  /** putCrl: the issuer's current CRL (its scope under the first trusted root) replaced and the epoch moved, in one step. */
  publishCrl(issuer: TestCertificate, crl: { thisUpdate: Date; nextUpdate: Date; revoked?: { certificate: TestCertificate; revocationDate: Date }[] }): void {
    const entries = new Map<string, CrlEntry>(
      (crl.revoked ?? []).map(({ certificate, revocationDate }) => [serialOf(certificate), { serialNumberHex: serialOf(certificate), revocationDate }]),
    );
    const anchor = new Uint8Array(Buffer.from(this.roots[0].der, 'base64'));
    this.crls.set(crlScopeId(parseCertificate(anchor), parseCertificate(issuer.der).subject), {
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      issuerDn: parseCertificate(issuer.der).subjectDn,
      signerPath: [],
      entry: (serialNumberHex) => entries.get(serialNumberHex.toLowerCase()),
    });
    this.trustEpoch++;
  }

  /** createDevice: a new record with a new generation (test setup: throws when one exists, where the adapter reports false). */
  createDevice(deviceId: string, fields: Partial<Omit<Device, 'deviceId' | 'generation'>> = {}): Device {
    if (this.devices.has(deviceId)) throw new Error(`device ${deviceId} exists`);
    const device: Device = {
      deviceId,
      orgId: 'acme',
      envId: 'prod',
      preRegistered: false,
      status: 'active',
      createdAt: '',
      ...fields,
      generation: `gen-${++this.generations}`,
      revision: `drev-${++this.deviceRevisions}`,
    };
    this.devices.set(deviceId, device);
    return device;
  }

  /** updateDevice: the same record (same generation) with some fields changed. */
  updateDevice(deviceId: string, changes: Partial<Omit<Device, 'deviceId' | 'generation'>>): void {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`no device ${deviceId}`);
    this.devices.set(deviceId, { ...device, ...changes, revision: `drev-${++this.deviceRevisions}` });
  }

  /** deleteDevice: the record goes, and with it every binding of its generation. */
  deleteDevice(deviceId: string): void {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`no device ${deviceId}`);
    this.devices.delete(deviceId);
    for (const [key, binding] of this.bindings) {
      if (binding.deviceId === deviceId && binding.deviceGeneration === device.generation) this.bindings.delete(key);
    }
  }

  /** putBinding: creates the device record if missing, writes the binding for the record's generation with a fresh revision. */
  bind(deviceId: string, clientAppId: string, scopes: string[]): Binding {
    const device = this.devices.get(deviceId) ?? this.createDevice(deviceId);
    const binding: Binding = {
      deviceId,
      clientAppId,
      scopes,
      createdAt: '',
      updatedAt: '',
      deviceGeneration: device.generation,
      revision: `rev-${++this.revisions}`,
    };
    this.bindings.set(`${deviceId}|${clientAppId}`, binding);
    return binding;
  }

  unbind(deviceId: string, clientAppId: string): void {
    if (!this.bindings.delete(`${deviceId}|${clientAppId}`)) throw new Error(`no binding ${deviceId} ${clientAppId}`);
  }

  isSpent(jti: string, deviceId = 'device-1'): boolean {
    return this.spent.has(`${POOL}|${deviceId}|${jti}`);
  }

  deps(overrides: Partial<IssueTokenDeps> = {}): IssueTokenDeps {
    return {
      reader: {
        read: async (poolId, want) => {
          this.events.push(`read ${poolId} ${want.deviceId} ${want.clientAppId}`);
          this.onGetPool?.();
          // Like the adapter's one batch: a snapshot of everything the decision needs.
          const ours = poolId === POOL;
          const device = ours && want.deviceId !== undefined ? this.devices.get(want.deviceId) : undefined;
          const binding = device && want.clientAppId !== undefined ? this.bindings.get(`${want.deviceId}|${want.clientAppId}`) : undefined;
          const spent = want.jti === undefined ? undefined : this.spent.get(`${poolId}|${want.deviceId}|${want.jti}`)?.expiresAt;
          const revocation = this.revocationSnapshot(poolId);
          return {
            pool: ours ? { clientPoolId: POOL, orgId: 'acme', envId: 'prod', trustEpoch: this.trustEpoch, requireCrl: this.requireCrl } : undefined,
            anchors: new Map(ours ? this.roots.map((root) => [root.anchorId, new Uint8Array(Buffer.from(root.der, 'base64'))] as const) : []),
            device: device && structuredClone(device),
            binding: device && binding && binding.deviceGeneration === device.generation ? structuredClone(binding) : undefined,
            jtiSpentUntil: spent,
            revocationFor: (subjects) => {
              if (!this.readCoversRevocation) return undefined;
              this.viewRequests.push({
                poolId,
                subjects: subjects.map(({ scopeId, serialNumberHex, fingerprint }) => ({ scopeId, serialNumberHex, fingerprint })),
              });
              return revocation(subjects);
            },
          };
        },
      },
      revocations: {
        revocationView: async (poolId, subjects) => {
          this.events.push('revocationView');
          this.viewRequests.push({
            poolId,
            subjects: subjects.map(({ scopeId, serialNumberHex, fingerprint }) => ({ scopeId, serialNumberHex, fingerprint })),
          });
          return this.revocationSnapshot(poolId)(subjects);
        },
      },
      ledger: {
        commit: async (poolId, commit) => {
          this.events.push(`commit ${commit.jti}`);
          this.beforeCommit.shift()?.();
          this.elapsedMs += this.commitDurationMs;
          if (this.ledgerFailure) throw this.ledgerFailure;
          const first = this.commit(poolId, commit, 'refresh');
          const second = first === 'newer_seen' ? this.commit(poolId, commit, 'check') : first;
          const outcome: IssuanceOutcome = second === 'newer_seen' ? { committed: false, refusal: 'binding_not_found' } : second;
          this.commits.push({ poolId, commit: structuredClone(commit), outcome });
          if (outcome.committed) this.afterCommit.shift()?.();
          return outcome;
        },
      },
      signer: {
        sign: async (_pool, header, payload) => {
          this.events.push('sign');
          if (this.signerFailure) throw this.signerFailure;
          this.signed.push({ header, payload });
          return `header.payload.signature-${this.signed.length}`;
        },
      },
      trustWindow: { deadlineMs: DEADLINE_MS, settleMs: DEADLINE_MS + 100 },
      issuerBaseUrl: `${BASE}/`,
      tokenLifetimeSeconds: 3600,
      clock: () => this.now,
      elapsedClock: () => this.elapsedMs,
      ...overrides,
    };
  }

  /** The pool's revocations and CRLs as they are now, answering for the requested certificates only (like the adapter). */
  private revocationSnapshot(poolId: string): (subjects: readonly RevocationKeys[]) => RevocationView {
    const revokedFingerprints = new Set(this.revokedFingerprints);
    const crlsNow = new Map(this.crls);
    return (subjects) => {
      const revoked = new Set<string>();
      const crls = new Map<string, CrlStatus>();
      for (const subject of poolId === POOL ? subjects : []) {
        if (revokedFingerprints.has(subject.fingerprint)) revoked.add(subject.fingerprint);
        const crl = crlsNow.get(subject.scopeId);
        if (!crl) continue;
        const serials = subjects.filter((other) => other.scopeId === subject.scopeId).map((other) => other.serialNumberHex.toLowerCase());
        crls.set(subject.scopeId, { ...crl, entry: (serial) => (serials.includes(serial.toLowerCase()) ? crl.entry(serial) : undefined) });
      }
      return {
        revokedFingerprints: revoked,
        revokedIssuerSerials: new Set<string>(),
        revokedKeys: new Set<string>(),
        crls: (scopeId) => {
          const crl = crls.get(scopeId);
          return crl ? [crl] : [];
        },
        legacyCrl: () => undefined,
      };
    };
  }

  /**
   * One TransactWriteItems of DynamoIssuanceLedger: every condition checked
   * on the same state, all writes or none; a refusal explained from the state
   * read back, jti first, then device, then binding.
   */
  private commit(poolId: string, commit: IssuanceCommit, mode: Refresh): IssuanceOutcome | 'newer_seen' {
    const nowSeconds = Math.floor(this.now.getTime() / 1000);
    const jtiKey = `${poolId}|${commit.deviceId}|${commit.jti}`;
    const record = poolId === POOL ? this.devices.get(commit.deviceId) : undefined;
    const binding = poolId === POOL ? this.bindings.get(`${commit.deviceId}|${commit.clientAppId}`) : undefined;
    const seen = commit.provisioning;

    const deviceHolds =
      record !== undefined &&
      record.generation === commit.deviceGeneration &&
      record.revision === commit.deviceRevision &&
      record.status === 'active' &&
      (mode === 'check' || record.provisioning === undefined || record.provisioning.lastSeen <= seen.lastSeen);
    const bindingHolds =
      binding !== undefined && (commit.bindingRevision === undefined ? binding.revision === undefined : binding.revision === commit.bindingRevision);
    const spent = this.spent.get(jtiKey);
    const jtiHolds = spent === undefined || spent.expiresAt < nowSeconds;

    if (deviceHolds && bindingHolds && jtiHolds) {
      if (mode === 'refresh') {
        const { lastSeen, ...certificate } = seen;
        this.devices.set(commit.deviceId, {
          ...record,
          provisioning: { ...certificate, firstSeen: record.provisioning?.firstSeen ?? lastSeen, lastSeen },
        });
      }
      this.spent.set(jtiKey, { expiresAt: commit.jtiExpiresAt, attemptId: commit.attemptId });
      return { committed: true };
    }
    if (!jtiHolds) {
      return spent.attemptId === commit.attemptId ? { committed: true } : { committed: false, refusal: 'assertion_replayed' };
    }
    if (!deviceHolds) {
      if (!record || record.generation !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' };
      if (record.status === 'disabled') return { committed: false, refusal: 'device_disabled' };
      if (record.revision !== commit.deviceRevision) return { committed: false, stale: true };
      return mode === 'refresh' ? 'newer_seen' : { committed: false, refusal: 'binding_not_found' };
    }
    if (!binding || binding.deviceGeneration !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' };
    return { committed: false, stale: true };
  }
}

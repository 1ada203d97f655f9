import { randomUUID } from 'node:crypto';
import type { Binding, Device, Pool, Provisioning } from '../src/domain/model';
import type { RevocationView } from '../src/domain/revocation';
import type { IssuanceCommit, IssuanceLedger, IssuanceOutcome, RevocationRepository, TokenDecisionReader, TokenDecisionState } from '../src/usecases/ports';

/** Nothing revoked and no CRL: what the read of a pool without revocations or CRLs answers for any certificate. */
const NOTHING_REVOKED: RevocationView = Object.freeze({
  revokedFingerprints: new Set<string>(),
  revokedIssuerSerials: new Set<string>(),
  revokedKeys: new Set<string>(),
  crls: () => [],
  legacyCrl: () => undefined,
});

/**
 * The storage of one warm token function, in memory, for the pipeline
 * benchmark (bench/pipeline.ts): it stands for DynamoTokenDecisionReader and
 * DynamoIssuanceLedger (src/storage/) on one pool that trusts one root and
 * has no revocations or CRLs, every device bound to one app. Per token it
 * does what those adapters make the function do besides the network: the
 * trust list decoded from its stored base64, a fresh device and binding
 * record per read. Nothing more (the unit tests' World,
 * test/unit/assertion/in-memory-ports.ts, also records every call and
 * deep-copies every record, which no adapter does).
 *
 * Its answers are the World's for the same state: the device and the binding
 * of its generation as stored, the jti's expiry once spent, and a commit that
 * holds only while the device has the generation and revision the decision
 * read and is active, the binding has the revision read and the jti is
 * unspent (or expired), then spends the jti and refreshes the device's
 * provisioning; a refusal names the jti first, then the device, then the
 * binding.
 */
export class BenchTokenStore {
  private readonly devices = new Map<string, Device>();
  /** deviceId → the provisioning the last commit wrote (kept apart from the record: a commit copies nothing). */
  private readonly provisioning = new Map<string, Provisioning>();
  /** deviceId → clientAppId → binding. */
  private readonly bindings = new Map<string, Map<string, Binding>>();
  /** deviceId → jti → expiresAt (epoch seconds) of a spent jti; the bench's one pool. */
  private readonly spent = new Map<string, Map<string, number>>();
  private readonly storedAnchors: { anchorId: string; base64: string }[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly clock: () => Date,
  ) {}

  /** The root as the pool item stores it (base64 DER, by its anchorId). */
  trust(anchorId: string, der: Uint8Array): void {
    this.storedAnchors.push({ anchorId, base64: Buffer.from(der).toString('base64') });
  }

  /** A device record (active, a new generation) and its binding to `clientAppId`. */
  bind(deviceId: string, clientAppId: string, scopes: string[]): void {
    const generation = randomUUID();
    const at = this.clock().toISOString();
    this.devices.set(deviceId, {
      deviceId,
      orgId: this.pool.orgId,
      envId: this.pool.envId,
      preRegistered: false,
      status: 'active',
      generation,
      revision: randomUUID(),
      createdAt: at,
    });
    const binding: Binding = { deviceId, clientAppId, scopes, createdAt: at, updatedAt: at, deviceGeneration: generation, revision: randomUUID() };
    this.bindings.set(deviceId, new Map([[clientAppId, binding]]));
  }

  readonly reader: TokenDecisionReader = {
    read: async (poolId, want): Promise<TokenDecisionState> => {
      const ours = poolId === this.pool.clientPoolId;
      const device = ours && want.deviceId !== undefined ? this.devices.get(want.deviceId) : undefined;
      const binding = device && want.clientAppId !== undefined ? this.bindings.get(device.deviceId)?.get(want.clientAppId) : undefined;
      return {
        pool: ours ? { ...this.pool } : undefined,
        anchors: new Map(ours ? this.storedAnchors.map(({ anchorId, base64 }) => [anchorId, new Uint8Array(Buffer.from(base64, 'base64'))] as const) : []),
        device: device && deviceRecord(device, this.provisioning.get(device.deviceId)),
        binding: device && binding && binding.deviceGeneration === device.generation ? { ...binding } : undefined,
        jtiSpentUntil: device && want.jti !== undefined ? this.spent.get(device.deviceId)?.get(want.jti) : undefined,
        revocationFor: () => NOTHING_REVOKED,
      };
    },
  };

  readonly revocations: Pick<RevocationRepository, 'revocationView'> = {
    revocationView: async () => NOTHING_REVOKED,
  };

  readonly ledger: IssuanceLedger = {
    commit: async (poolId, commit): Promise<IssuanceOutcome> => {
      const ours = poolId === this.pool.clientPoolId;
      const record = ours ? this.devices.get(commit.deviceId) : undefined;
      const binding = record && this.bindings.get(record.deviceId)?.get(commit.clientAppId);
      const spent = record && this.spent.get(record.deviceId);
      const spentUntil = spent?.get(commit.jti);
      if (spentUntil !== undefined && spentUntil >= Math.floor(this.clock().getTime() / 1000)) return { committed: false, refusal: 'assertion_replayed' };
      if (!record || record.generation !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' };
      if (record.status !== 'active') return { committed: false, refusal: 'device_disabled' };
      if (record.revision !== commit.deviceRevision) return { committed: false, stale: true };
      if (!binding || binding.deviceGeneration !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' };
      if (binding.revision !== commit.bindingRevision) return { committed: false, stale: true };
      if (spent) spent.set(commit.jti, commit.jtiExpiresAt);
      else this.spent.set(record.deviceId, new Map([[commit.jti, commit.jtiExpiresAt]]));
      // A newer lastSeen already stored stays (the World's and DynamoDB's condition on the refresh).
      const previous = this.provisioning.get(record.deviceId);
      if (previous === undefined || previous.lastSeen <= commit.provisioning.lastSeen) {
        this.provisioning.set(record.deviceId, provisioningOf(previous, commit));
      }
      return { committed: true };
    },
  };
}

/** A fresh record, as the adapter's toDevice builds one from the item it read. */
function deviceRecord(device: Device, provisioning: Provisioning | undefined): Device {
  return {
    deviceId: device.deviceId,
    orgId: device.orgId,
    envId: device.envId,
    name: device.name,
    description: device.description,
    metadata: device.metadata,
    tags: device.tags,
    preRegistered: device.preRegistered,
    status: device.status,
    generation: device.generation,
    revision: device.revision,
    createdAt: device.createdAt,
    updatedAt: device.updatedAt,
    provisioning,
  };
}

function provisioningOf(previous: Provisioning | undefined, commit: IssuanceCommit): Provisioning {
  const { thumbprint, serial, issuer, notAfter, businessUnit, lastSeen } = commit.provisioning;
  return { thumbprint, serial, issuer, notAfter, businessUnit, firstSeen: previous?.firstSeen ?? lastSeen, lastSeen };
}

import type {
  Binding,
  CertificateRevocation,
  Device,
  DeviceStatus,
  Environment,
  EnvironmentChanges,
  Organisation,
  Pool,
  PoolSigningKey,
  Provisioning,
  RootCertificate,
  StoredCrl,
} from '../domain/model';
import type { CrlEntry, RevocationIdentities, RevocationIdentity, RevocationSubject, RevocationView } from '../domain/revocation';

/*
 * The ports of the use cases, in one place: every repository, store, ledger,
 * reader, signer and key source they are given. The adapters live in
 * src/storage (DynamoDB, S3), src/crypto (KMS) and src/aws-secrets-client.ts;
 * a use case's own inputs and outputs stay with it.
 */

/** Organisations, environments and their pool items (src/storage/dynamo-directory-repository.ts). */
export interface DirectoryRepository {
  /** false when an organisation of this id exists (nothing written). */
  createOrg(org: Organisation): Promise<boolean>;
  getOrg(orgId: string): Promise<Organisation | undefined>;
  /**
   * The environment and its pool item (with the pool's first signing keys,
   * docs/contract.md §4.6) together, or nothing: then what the one
   * transaction found in the way (EnvironmentCreation).
   */
  createEnvironment(env: Environment, signingKeys?: PoolSigningKey[]): Promise<EnvironmentCreation>;
  getEnvironment(orgId: string, envId: string): Promise<Environment | undefined>;
  getPool(clientPoolId: string): Promise<Pool | undefined>;
  /**
   * The updated environment, or undefined when it does not exist. A change of
   * `requireCrl` is written to the pool item too, with its trustEpoch, in the
   * same transaction (turning it on takes trust away).
   */
  updateEnvironment(env: Environment, changes: EnvironmentChanges, updatedAt: string): Promise<Environment | undefined>;
}

/**
 * What createEnvironment found, in this order of precedence: written; the
 * organisation does not exist; it already has an environment of this id; a
 * pool of this clientPoolId exists. Only `created` wrote anything.
 */
export type EnvironmentCreation = 'created' | 'organisation_missing' | 'environment_taken' | 'pool_id_taken';

/** An org API key as listed (docs/contract.md §3.5): never its secret or hash. */
export interface ApiKeySummary {
  keyId: string;
  orgId: string;
  createdAt: string;
  lastUsedAt?: string;
}

export interface StoredApiKey extends ApiKeySummary {
  secretHash: string;
}

export interface ApiKeyRepository {
  /** Writes the key record and its org index entry together; throws when the key id exists. */
  createApiKey(record: { keyId: string; orgId: string; secretHash: string; createdAt: string }): Promise<void>;
  /** Strongly consistent: a revoked key is gone for the very next request. */
  findApiKey(keyId: string): Promise<StoredApiKey | undefined>;
  /** One Query of the org's index, ordered by createdAt. */
  listApiKeys(orgId: string): Promise<ApiKeySummary[]>;
  /** Removes record and index entry in one transaction; false when no key of this org has that id. */
  deleteApiKey(orgId: string, keyId: string): Promise<boolean>;
  /** Sets lastUsedAt unless it is at or after `staleBefore` or the key is gone; false when nothing was written. */
  recordUse(key: ApiKeySummary, usedAt: string, staleBefore: string): Promise<boolean>;
}

/** What authenticating an org key needs of the key store. */
export type ApiKeyLookup = Pick<ApiKeyRepository, 'findApiKey' | 'recordUse'>;

/**
 * The global admin key and, after a rotation, the key it replaced: both are
 * accepted so that a caller still holding the old key keeps working until it
 * switches (README "Rotating the admin key").
 */
export interface AdminKeys {
  readonly current: string;
  readonly previous?: string;
}

/** Reads the admin keys (env in local mode; Secrets Manager's AWSCURRENT and AWSPREVIOUS on AWS). */
export type AdminKeySource = () => Promise<AdminKeys>;

/** Fields a PATCH may change; undefined leaves a field as it is. */
export interface DeviceChanges {
  status?: DeviceStatus;
  name?: string;
  description?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface DeviceRepository {
  /** false when the pool already has a device record of this id (nothing written). */
  createDevice(poolId: string, device: Device): Promise<boolean>;
  getDevice(poolId: string, deviceId: string): Promise<Device | undefined>;
  /** The updated record, or undefined when the device does not exist. */
  updateDevice(poolId: string, deviceId: string, changes: DeviceChanges, updatedAt: string): Promise<Device | undefined>;
  /** Final at return: the record is gone and every binding of it is dead (src/storage/keys.ts). */
  deleteDevice(poolId: string, deviceId: string): Promise<boolean>;
  putBinding(poolId: string, device: Device, binding: Binding): Promise<{ created: boolean; binding: Binding }>;
  listBindings(poolId: string, deviceId: string): Promise<Binding[]>;
  deleteBinding(poolId: string, deviceId: string, clientAppId: string): Promise<boolean>;
  /**
   * docs/contract.md §3.3 fleet inventory: at most `limit` device records of the pool
   * after device id `after`, ordered by device id, strongly consistent,
   * without their provisioning state; with `status`, only those. `next` is
   * the device id to continue after, absent when the listing is complete. A
   * page may hold fewer than `limit` records (even none) while `next` is set,
   * when the filter skipped many: the read per call is bounded
   * (DynamoDeviceRepository.listDevices).
   */
  listDevices(poolId: string, page: DevicePageRequest): Promise<{ devices: Device[]; next?: string }>;
}

export interface DevicePageRequest {
  limit: number;
  after?: string;
  status?: DeviceStatus;
}

/** What a token decision read, which its commit requires to be unchanged. */
export interface IssuanceCommit {
  deviceId: string;
  /** The generation of the device record the decision read (undefined for a record older than generations). */
  deviceGeneration: string | undefined;
  /** The revision of the device record the decision read: a PATCH since (tags, status) makes the decision stale. */
  deviceRevision: string | undefined;
  clientAppId: string;
  bindingRevision: string | undefined;
  /** Spent for good by the commit, until `jtiExpiresAt` (epoch seconds). */
  jti: string;
  jtiExpiresAt: number;
  /** Names this request's write, so a client retry after a lost reply recognises it. */
  attemptId: string;
  provisioning: Omit<Provisioning, 'firstSeen'>;
}

/** A device deleted (or deleted and re-created) since the read has no binding of the generation the decision read: `binding_not_found`. */
export type IssuanceRefusal = 'device_disabled' | 'binding_not_found' | 'assertion_replayed';

/** `stale`: the binding was rewritten after the decision read it; the decision must be taken again. */
export type IssuanceOutcome = { committed: true } | { committed: false; refusal: IssuanceRefusal } | { committed: false; stale: true };

/**
 * The one write of a token request: the jti is spent, the device record
 * refreshed, and the device and binding required to be as the decision read
 * them, atomically (src/storage/keys.ts). Never creates a device record.
 */
export interface IssuanceLedger {
  commit(poolId: string, commit: IssuanceCommit): Promise<IssuanceOutcome>;
}

/** Signs with the pool's own key active at the token's `iat` (docs/contract.md §4.6), or the shared legacy key for a pool not yet rotated. */
export interface TokenSigner {
  sign(pool: Pool, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

/** docs/contract.md §4.6: the keys one pool publishes, decided from its pool item (src/crypto/pool-token-signer.ts). */
export interface JwksSource {
  jwks(pool: Pool): Promise<{ keys: object[] }>;
}

export interface TrustStoreRepository {
  getRoot(poolId: string, anchorId: string): Promise<RootCertificate | undefined>;
  /** false when the pool already has a record for this anchor. */
  createRoot(poolId: string, root: RootCertificate): Promise<boolean>;
  /**
   * Replaces the anchor's record (certificate held, fingerprints, S3 object);
   * false when it is gone or no longer points at `expectedObjectKey`. With
   * `certificateChanged`, a change that may take trust away: it moves the
   * trustEpoch and answers after the settle wait.
   */
  replaceRoot(poolId: string, root: RootCertificate, expectedObjectKey: string, options: { certificateChanged: boolean }): Promise<boolean>;
  /** The settle wait of a change that takes trust away (src/domain/trust-decision-window.ts). */
  settleTrustChange(): Promise<void>;
  listRoots(poolId: string): Promise<RootCertificate[]>;
  /**
   * Removes these records in one change that takes trust away (trustEpoch);
   * false, and nothing removed, when any is gone or points at another object.
   */
  deleteRoots(poolId: string, roots: readonly Pick<RootCertificate, 'anchorId' | 'objectKey'>[]): Promise<boolean>;
}

/** docs/contract.md §3.4 state of a pool: individual revocations and one current CRL per issuer. */
export interface RevocationRepository {
  /**
   * The settle wait of a change that takes trust away
   * (src/domain/trust-decision-window.ts), for an answer that reports a
   * change another request made (already revoked, CRL not newer, CRL gone):
   * that change may still be in its own wait.
   */
  settleTrustChange(): Promise<void>;
  /**
   * The record and its identities (revocation-identity.ts; default: the
   * fingerprint only) together; the stored `matches` is derived from the
   * identities. false when this fingerprint is already revoked (nothing
   * written). Takes trust away: commits with the pool's trustEpoch.
   */
  putRevocation(poolId: string, revocation: Omit<CertificateRevocation, 'matches'>, identities?: RevocationIdentities): Promise<boolean>;
  /**
   * Adds the identities of a PEM to the record of its fingerprint when that
   * record has none besides the fingerprint (revoked by fingerprint, or
   * stored before identities existed): the record as it now is, or undefined
   * when it is gone or already has them (nothing written).
   */
  extendRevocation(
    poolId: string,
    id: string,
    details: Pick<CertificateRevocation, 'subject' | 'issuer' | 'serialNumber'>,
    identities: RevocationIdentities,
  ): Promise<CertificateRevocation | undefined>;
  getRevocation(poolId: string, id: string): Promise<CertificateRevocation | undefined>;
  listRevocations(poolId: string): Promise<CertificateRevocation[]>;
  /** The record and its identities together (other revocations sharing an identity keep it revoked). */
  deleteRevocation(poolId: string, id: string): Promise<boolean>;
  /**
   * Stores the CRL as the current one of its signing key in its scope, and
   * removes the CRL stored before scopes existed under the same signer, in
   * one trust change. 'not_newer' when the pool already holds a CRL of this
   * scope and key (or of this signer, stored before scopes) at least as new
   * (nothing written).
   */
  putCrl(poolId: string, crl: ScopedCrl, entries: readonly CrlEntry[]): Promise<'stored' | 'not_newer'>;
  /** Every current CRL: of each scope and signing key, and those stored before scopes existed. */
  listCrls(poolId: string): Promise<StoredCrl[]>;
  /** By the id listCrls gives (a scoped CRL's crlRecordId, or the signer id of one stored before scopes). */
  deleteCrl(poolId: string, id: string): Promise<boolean>;
  /**
   * Token path: what the revocation check needs about these certificates of a
   * validated path, strongly consistent. The view answers for the requested
   * serials only (`crl(id).entry(s)` is undefined for any other).
   */
  revocationView(poolId: string, subjects: readonly RevocationKeys[]): Promise<RevocationView>;
}

export interface CertificateObjectStore {
  put(objectKey: string, pem: string): Promise<void>;
  delete(objectKey: string): Promise<void>;
}

/** docs/contract.md §4.6: a pool's signing-key list, on the pool item the token path reads. */
export interface SigningKeyListRepository {
  /**
   * Replaces the pool's list on the condition that it is still `expected`
   * (undefined: the pool has none yet, a pool created before per-pool keys);
   * false when it is not, or the pool is gone (nothing written).
   */
  replaceSigningKeys(poolId: string, expected: readonly PoolSigningKey[] | undefined, keys: PoolSigningKey[]): Promise<boolean>;
  /** Every pool id with (or without) a signing-key list: a Scan, for the sweep and the migration only. */
  poolIds(which: 'with-signing-keys' | 'without-signing-keys'): AsyncIterable<string>;
}

/** A KMS key as the signing-key list records it. */
export interface VaultKey {
  keyArn: string;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  alg: string;
  alias?: string;
}

/** The KMS side of per-pool signing keys (src/crypto/kms-signing-key-vault.ts). */
export interface SigningKeyVault {
  /** A new SIGN_VERIFY key of the stack's key spec, tagged for the stack and the pool, with the alias `<prefix>/<poolId>/<n>` (or the next free n). */
  createKey(poolId: string, aliasNumber: number): Promise<VaultKey>;
  /** The stack's shared key that pools created before per-pool keys sign with; undefined when the stack has none. */
  legacyKey(): Promise<(VaultKey & { createdAt: string }) | undefined>;
  /** ScheduleKeyDeletion with the longest waiting period; refuses the shared legacy key. */
  scheduleDeletion(keyArn: string): Promise<void>;
}

/** The identities under which one certificate of a path may be revoked (src/domain/revocation/revocation-subjects.ts). */
export type RevocationKeys = RevocationIdentity;

/** An uploaded CRL as putCrl stores it: what the listing shows, and where it belongs (src/domain/revocation/crl-scope-id.ts). */
export interface ScopedCrl extends StoredCrl {
  /** crlRecordId(scopeId, signerId). */
  id: string;
  /** crlScopeId(anchor of the signer's validated path, the CRL's issuer name): the certificates it speaks for. */
  scopeId: string;
  /** crlIssuerId of its signer (name and key): each signing key of a scope has its own sequence of CRLs. */
  signerId: string;
  /** The signer's validated path but the anchor: checked whenever the CRL is used (ImportedCrl.signerPath). */
  signerPath: readonly RevocationSubject[];
}

/**
 * Everything a token decision reads, read together: the pool (trustEpoch,
 * settings, signing keys) with its trust list, the device and binding, the
 * jti, and the revocation state of the certificates the request presents
 * (src/storage/keys.ts, "Why taking trust back is final").
 */
export interface TokenDecisionState {
  pool?: Pool;
  /** The pool's trust anchors (DER), by anchorId. */
  anchors: ReadonlyMap<string, Uint8Array>;
  device?: Device;
  /** Only a binding of the device record's generation. */
  binding?: Binding;
  /** `expiresAt` (epoch seconds) of this jti when it was already spent. */
  jtiSpentUntil?: number;
  /**
   * The revocation view of these certificates when the read covered them
   * (they were among, or derive from, the ones asked for); undefined
   * otherwise: read them with RevocationRepository.revocationView.
   */
  revocationFor(subjects: readonly RevocationKeys[]): RevocationView | undefined;
}

/** The device, app and jti an assertion names, each left out when it is not well-formed (never read then). */
export interface DecisionParties {
  deviceId?: string;
  clientAppId?: string;
  jti?: string;
}

export interface TokenDecisionReader {
  /** Strongly consistent; for a warm function one BatchGetItem (dynamo-token-decision-reader.ts). */
  read(poolId: string, want: DecisionParties & { revocationCandidates: readonly RevocationKeys[] }): Promise<TokenDecisionState>;
}

/** A health probe resolves when the dependency answered; `signal` aborts it at the deadline. */
export type HealthProbe = (signal: AbortSignal) => Promise<unknown>;

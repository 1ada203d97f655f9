export interface Organisation {
  orgId: string;
  name: string;
  description?: string;
  createdAt: string;
}

export interface Environment {
  orgId: string;
  envId: string;
  name: string;
  description?: string;
  clientPoolId: string;
  /** docs/contract.md §3.4: every issuer on a device's path must have a current CRL (kept on the pool item, read with it). */
  requireCrl?: boolean;
  /** docs/contract.md §3.5: the audiences a token request's `resource` may select (also kept on the pool item). */
  audiences?: string[];
  /** docs/contract.md §3.5: lifetime of this pool's access tokens (also kept on the pool item); absent: the deployment's. */
  tokenLifetimeSeconds?: number;
  createdAt: string;
  updatedAt?: string;
}

/** What `PATCH .../env/{envId}` may change; undefined leaves a field as it is. */
export interface EnvironmentChanges {
  name?: string;
  description?: string;
  requireCrl?: boolean;
  /** `[]` removes them. */
  audiences?: string[];
  tokenLifetimeSeconds?: number;
}

export interface Pool {
  clientPoolId: string;
  orgId: string;
  envId: string;
  /** Incremented by every change that takes trust away (src/storage/keys.ts); 0 before the first. */
  trustEpoch: number;
  /** docs/contract.md §3.4: every issuer on a device's path must have a current CRL in the pool (`crl_missing` otherwise). */
  requireCrl?: boolean;
  /** docs/contract.md §4.1: the `aud` values a token request may ask for with `resource` (RFC 8707); absent or empty: none. */
  audiences?: string[];
  /** docs/contract.md §3.5: lifetime of this pool's access tokens; absent: the deployment's (src/domain/token-lifetime.ts). */
  tokenLifetimeSeconds?: number;
  /**
   * docs/contract.md §4.6: the pool's own KMS keys, as stored (src/domain/signing-keys.ts
   * says which one signs at a given instant). Absent on pools created before
   * per-pool keys: they sign with the stack's shared legacy key until rotated.
   */
  signingKeys?: PoolSigningKey[];
}

/** One KMS key of a pool's signing-key list (docs/contract.md §4.6). */
export interface PoolSigningKey {
  keyArn: string;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  alg: string;
  createdAt: string;
  /** From this instant on the key signs (until its successor's activatesAt); published from the moment it is listed. */
  activatesAt: string;
  /** `alias/device-idp/<stack tag>/<poolId>/<n>`; absent on the shared key. */
  alias?: string;
  /** The stack's legacy key, used by every pool created before per-pool keys: never scheduled for deletion. */
  shared?: boolean;
}

/**
 * A pool's trust anchor (RFC 5280 §6.1.1 (d): a name and a key). One record
 * per anchor: uploading another encoding of it (a renewal with the same key,
 * an ECDSA re-signature) replaces the certificate held, and the record
 * remembers every fingerprint it was uploaded under, so DELETE by any of them
 * removes the anchor.
 */
export interface RootCertificate {
  /** Key of the record: anchorIdentity (src/domain/chain/anchor-identity.ts); the fingerprint for records written before anchors were keyed by identity. */
  anchorId: string;
  /** SHA-256 (hex) of the DER held now. */
  fingerprint: string;
  /** Every fingerprint this anchor was uploaded under, oldest first, `fingerprint` last; at most ROOT_FINGERPRINTS_KEPT. */
  fingerprints: string[];
  subject: string;
  notBefore: string;
  notAfter: string;
  filename: string;
  uploadedAt: string;
  /** base64 DER: the token function reads the pool's trust list from DynamoDB alone. */
  der: string;
  objectKey: string;
}

export interface Provisioning {
  thumbprint: string;
  serial: string;
  issuer: string;
  notAfter: string;
  businessUnit?: string;
  firstSeen: string;
  lastSeen: string;
}

/** A disabled device keeps its record and history; its token requests are refused (`device_disabled`). */
export type DeviceStatus = 'active' | 'disabled';
export const DEVICE_STATUSES: readonly DeviceStatus[] = ['active', 'disabled'];

export interface Device {
  deviceId: string;
  orgId: string;
  envId: string;
  name?: string;
  description?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  /** true when a platform team created it; false when it appeared through a binding or a first token. */
  preRegistered: boolean;
  status: DeviceStatus;
  /**
   * Random id of this incarnation of the device, fixed at creation: bindings
   * and token commits name it, so nothing of a deleted device outlives it
   * (src/storage/keys.ts). Absent on records written before it existed.
   */
  generation?: string;
  /** Random id of the latest write of the record (creation or PATCH): a token commit requires the one its decision read. */
  revision?: string;
  createdAt: string;
  updatedAt?: string;
  provisioning?: Provisioning;
}

export interface Binding {
  deviceId: string;
  clientAppId: string;
  scopes: string[];
  name?: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  /** The device generation this binding was written for; a binding of another generation is dead. */
  deviceGeneration?: string;
  /** Random id of this write of the binding; a token commit requires the one its decision read. */
  revision?: string;
}

/** docs/contract.md §3.4: a certificate the operator revoked individually, by fingerprint or PEM. */
export interface CertificateRevocation {
  /** The fingerprint (lowercase hex SHA-256 of the DER) doubles as the id. */
  id: string;
  fingerprint: string;
  subject?: string;
  issuer?: string;
  serialNumber?: string;
  reason: string;
  revokedAt: string;
  /**
   * What it matches at the token endpoint (src/domain/revocation/revocation-identity.ts):
   * `fingerprint` only for a revocation given as a fingerprint; a PEM adds
   * `issuerAndSerial`, and for a CA `subjectAndKey`.
   */
  matches: Array<'fingerprint' | 'issuerAndSerial' | 'subjectAndKey'>;
}

/** The pool's current CRL of one issuer (matched by name and key), without its entries. */
export interface StoredCrl {
  /**
   * crlRecordId of its scope and signing key: one current CRL per issuer name
   * under a trust anchor and key (src/domain/revocation/crl-scope-id.ts); for
   * a CRL stored before scopes existed, crlIssuerId of its signer.
   */
  id: string;
  issuer: string;
  thisUpdate: string;
  nextUpdate: string;
  crlNumber?: string;
  revokedCount: number;
  sha256: string;
  uploadedAt: string;
}

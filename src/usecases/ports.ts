import type { Binding, Device, Environment, Organisation, Pool, Provisioning, RootCertificate } from '../domain/model';

/** Repositories the use cases depend on; DynamoDB/S3 adapters live in src/storage. */
export interface DirectoryRepository {
  createOrg(org: Organisation): Promise<void>;
  getOrg(orgId: string): Promise<Organisation | undefined>;
  createEnvironment(env: Environment): Promise<void>;
  getEnvironment(orgId: string, envId: string): Promise<Environment | undefined>;
  getPool(clientPoolId: string): Promise<Pool | undefined>;
}

export interface ApiKeyRepository {
  createApiKey(record: { keyId: string; orgId: string; secretHash: string; createdAt: string }): Promise<void>;
  findApiKey(keyId: string): Promise<{ orgId: string; secretHash: string } | undefined>;
}

export interface DeviceRepository {
  createDevice(poolId: string, device: Device): Promise<void>;
  getDevice(poolId: string, deviceId: string): Promise<Device | undefined>;
  deleteDevice(poolId: string, deviceId: string): Promise<boolean>;
  putBinding(poolId: string, device: Device, binding: Binding): Promise<{ created: boolean; binding: Binding }>;
  getBinding(poolId: string, deviceId: string, clientAppId: string): Promise<Binding | undefined>;
  listBindings(poolId: string, deviceId: string): Promise<Binding[]>;
  deleteBinding(poolId: string, deviceId: string, clientAppId: string): Promise<boolean>;
  recordProvisioning(poolId: string, device: Pick<Device, 'deviceId' | 'orgId' | 'envId'>, seen: Omit<Provisioning, 'firstSeen'>): Promise<void>;
}

export interface TrustStoreRepository {
  getRoot(poolId: string, fingerprint: string): Promise<RootCertificate | undefined>;
  /** false when a record with this fingerprint already exists. */
  putRoot(poolId: string, root: RootCertificate): Promise<boolean>;
  listRoots(poolId: string): Promise<RootCertificate[]>;
  deleteRoot(poolId: string, fingerprint: string): Promise<void>;
}

export interface CertificateObjectStore {
  put(objectKey: string, pem: string): Promise<void>;
  delete(objectKey: string): Promise<void>;
}

export interface ReplayCache {
  /**
   * Claims (poolId, jti) for one attempt until `expiresAt` (epoch seconds):
   * true when this attempt holds it. An unconfirmed claim lapses after a short
   * lease, so a failed attempt never burns the assertion for good.
   */
  consume(poolId: string, jti: string, expiresAt: number, attemptId: string): Promise<boolean>;
  /** Makes the claim permanent; false when the lease lapsed and another attempt took the jti. */
  confirm(poolId: string, jti: string, attemptId: string): Promise<boolean>;
  /** Gives up an unconfirmed claim of this attempt, so the device may retry at once. */
  release(poolId: string, jti: string, attemptId: string): Promise<void>;
}

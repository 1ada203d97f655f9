import { createHash } from 'node:crypto';
import type { Binding, Device, Provisioning, RootCertificate } from '../../../src/domain/model';
import type { IssueTokenDeps } from '../../../src/usecases/issue-token';
import { TEST_NOW, type TestCertificate } from '../../support/pki';

/**
 * In-memory ports for IssueToken: one pool, its roots, devices and bindings,
 * a replay cache and a signer, recording every call in order so tests can
 * assert what was read, written and signed.
 */

export const POOL = 'pool-test';
export const BASE = 'https://idp.example.com';

export class World {
  readonly roots: RootCertificate[] = [];
  readonly devices = new Map<string, Device>();
  readonly bindings = new Map<string, Binding>();
  readonly spent = new Map<string, number>();
  readonly events: string[] = [];
  readonly signed: { header: Record<string, unknown>; payload: Record<string, unknown> }[] = [];
  readonly provisioned: { poolId: string; device: unknown; seen: Omit<Provisioning, 'firstSeen'> }[] = [];
  signerFailure?: Error;
  provisioningFailure?: Error;
  /** The claim lapsed and another attempt took the jti before this one confirmed. */
  claimLapsed = false;

  trust(root: TestCertificate): void {
    this.roots.push({
      fingerprint: createHash('sha256').update(root.der).digest('hex'),
      subject: 'root',
      notBefore: '',
      notAfter: '',
      filename: 'root.crt',
      uploadedAt: '',
      der: Buffer.from(root.der).toString('base64'),
      objectKey: '',
    });
  }

  bind(deviceId: string, clientAppId: string, scopes: string[]): void {
    this.bindings.set(`${deviceId}|${clientAppId}`, { deviceId, clientAppId, scopes, createdAt: '', updatedAt: '' });
  }

  deps(overrides: Partial<IssueTokenDeps> = {}): IssueTokenDeps {
    return {
      directory: { getPool: async (id) => (id === POOL ? { clientPoolId: POOL, orgId: 'acme', envId: 'prod' } : undefined) },
      trustStore: {
        listRoots: async (id) => {
          this.events.push('listRoots');
          return id === POOL ? [...this.roots] : [];
        },
      },
      devices: {
        getDevice: async (_pool, id) => this.devices.get(id),
        getBinding: async (pool, deviceId, app) => {
          this.events.push(`getBinding ${pool} ${deviceId} ${app}`);
          return this.bindings.get(`${deviceId}|${app}`);
        },
        recordProvisioning: async (poolId, device, seen) => {
          this.events.push('recordProvisioning');
          if (this.provisioningFailure) throw this.provisioningFailure;
          this.provisioned.push({ poolId, device, seen });
        },
      },
      replayCache: {
        consume: async (pool, jti, until) => {
          this.events.push(`consume ${jti} ${until}`);
          if (this.spent.has(`${pool}|${jti}`)) return false;
          this.spent.set(`${pool}|${jti}`, until);
          return true;
        },
        confirm: async (_pool, jti) => {
          this.events.push(`confirm ${jti}`);
          return !this.claimLapsed;
        },
        release: async (pool, jti) => {
          this.events.push(`release ${jti}`);
          this.spent.delete(`${pool}|${jti}`);
        },
      },
      signer: {
        sign: async (header, payload) => {
          this.events.push('sign');
          if (this.signerFailure) throw this.signerFailure;
          this.signed.push({ header, payload });
          return 'header.payload.signature';
        },
      },
      issuerBaseUrl: `${BASE}/`,
      tokenLifetimeSeconds: 3600,
      clock: () => TEST_NOW,
      ...overrides,
    };
  }
}

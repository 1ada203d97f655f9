import { type EnrolledDevice, getDevice } from './device-fleet';
import type { TestCertificate } from './pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from './test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from './trusted-pool';

export interface TokenPool {
  readonly idp: TestIdp;
  readonly env: EnvironmentInfo;
  readonly pki: OrganisationPki;
  /** A device id unique within the file. */
  nextId(prefix?: string): string;
  /**
   * A device with a binding for client app `client` (scopes default `["device"]`), its certificate
   * issued by `intermediate` under `root` (default: the pool's PKI).
   */
  boundDevice(spec?: { businessUnit?: string; scopes?: string[]; root?: TestCertificate; intermediate?: TestCertificate }): Promise<EnrolledDevice>;
  /** The device record exists (its binding made it) but carries no provisioning. */
  expectNotProvisioned(deviceId: string): Promise<void>;
  /** `PATCH /api/internal/org/{orgId}/env/{envId}` with the admin key (docs/contract.md §3.5): its status and JSON body. */
  patchEnv(json: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** `GET` of the same environment: its JSON body. */
  readEnv(): Promise<Record<string, unknown>>;
}

/**
 * The token e2e suites' common ground: registers beforeAll/afterAll that start
 * the local IDP, create one environment and trust a fresh organisation PKI in
 * its pool. Fields are readable once beforeAll has run.
 */
export function useTokenPool(options: { afterStop?: (idp: TestIdp) => Promise<void> } = {}): TokenPool {
  let state: { idp: TestIdp; env: EnvironmentInfo; pki: TokenPool['pki'] } | undefined;
  const current = () => {
    if (!state) throw new Error('useTokenPool: fields are available inside tests, after beforeAll');
    return state;
  };
  let counter = 0;
  const envPath = () => `/api/internal/org/${current().env.orgId}/env/${current().env.envId}`;

  beforeAll(async () => {
    const idp = await startTestIdp();
    state = { idp, ...(await createTrustedPool(idp)) };
  });
  afterAll(async () => {
    if (!state) return;
    await options.afterStop?.(state.idp);
    await state.idp.stop();
  });

  const pool: TokenPool = {
    get idp() {
      return current().idp;
    },
    get env() {
      return current().env;
    },
    get pki() {
      return current().pki;
    },
    nextId: (prefix = 'device') => `${prefix}-${++counter}`,
    async boundDevice(spec = {}) {
      const { idp, env, pki } = current();
      const issuer = { root: spec.root ?? pki.root, intermediate: spec.intermediate ?? pki.intermediate };
      return enrolDevice(idp, env, issuer, { deviceId: pool.nextId(), businessUnit: spec.businessUnit, scopes: spec.scopes });
    },
    async expectNotProvisioned(deviceId) {
      const record = await getDevice(current().idp, current().env, deviceId);
      expect(record).toBeDefined();
      expect(record?.provisioning).toBeUndefined();
    },
    async patchEnv(json) {
      const response = await current().idp.request(envPath(), { method: 'PATCH', json });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async readEnv() {
      return (await (await current().idp.request(envPath())).json()) as Record<string, unknown>;
    },
  };
  return pool;
}

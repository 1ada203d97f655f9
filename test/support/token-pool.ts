import { bindDevice, type EnrolledDevice, getDevice, issueDevice, makeOrganisationPki, uploadRoot } from './device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from './test-idp';

export interface TokenPool {
  readonly idp: TestIdp;
  readonly env: EnvironmentInfo;
  readonly pki: Awaited<ReturnType<typeof makeOrganisationPki>>;
  /** A device id unique within the file. */
  nextId(prefix?: string): string;
  /** A device of the pool's PKI with a binding for client app `client` (scopes default `["device"]`). */
  boundDevice(spec?: { businessUnit?: string; scopes?: string[] }): Promise<EnrolledDevice>;
  /** The device record exists (its binding made it) but carries no provisioning. */
  expectNotProvisioned(deviceId: string): Promise<void>;
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

  beforeAll(async () => {
    const idp = await startTestIdp();
    const env = await idp.createEnvironment();
    const pki = await makeOrganisationPki();
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    state = { idp, env, pki };
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
      const device = await issueDevice(pki.root, pki.intermediate, { deviceId: pool.nextId(), businessUnit: spec.businessUnit });
      await bindDevice(idp, env, device.deviceId, 'client', spec.scopes ?? ['device']);
      return device;
    },
    async expectNotProvisioned(deviceId) {
      const record = await getDevice(current().idp, current().env, deviceId);
      expect(record).toBeDefined();
      expect(record?.provisioning).toBeUndefined();
    },
  };
  return pool;
}

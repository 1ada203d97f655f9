import { bindDevice, type DeviceSpec, type EnrolledDevice, issueDevice, makeOrganisationPki, uploadRoot } from './device-fleet';
import type { EnvironmentInfo, TestIdp } from './test-idp';

/**
 * The setup most token suites start from, on a running test IDP: an
 * environment whose pool trusts a fresh organisation PKI, and devices of that
 * PKI bound to a client app. Every step asserts its HTTP status (device-fleet),
 * so a failing setup names itself.
 */

/** A root CA and a `pathlen:0` device CA under it (EC P-256). */
export type OrganisationPki = Awaited<ReturnType<typeof makeOrganisationPki>>;

export interface TrustedPool {
  readonly env: EnvironmentInfo;
  readonly pki: OrganisationPki;
}

/**
 * Creates an organisation and environment (`orgId`/`envId` as
 * `TestIdp.createEnvironment` takes them: a random org and `prod` by default)
 * and uploads the root of a fresh organisation PKI named `pkiName` (default
 * `Acme`) to its pool (docs/contract.md §3.1). Throws on an unexpected status.
 */
export async function createTrustedPool(idp: TestIdp, options: { orgId?: string; envId?: string; pkiName?: string } = {}): Promise<TrustedPool> {
  const env = await idp.createEnvironment(options.orgId, options.envId);
  const pki = await makeOrganisationPki(options.pkiName);
  await uploadRoot(idp, env.clientPoolId, pki.root.pem);
  return { env, pki };
}

/** The binding a device gets: client app `client` with scopes `["device"]` unless given. */
export interface BindingSpec {
  clientAppId?: string;
  scopes?: string[];
}

/**
 * Issues a device certificate under `pki.intermediate` (docs/contract.md §5;
 * `spec` as `issueDevice` takes it) and binds the device in `env`
 * (docs/contract.md §3.2). Throws on an unexpected status.
 */
export async function enrolDevice(idp: TestIdp, env: EnvironmentInfo, pki: OrganisationPki, spec: DeviceSpec & BindingSpec): Promise<EnrolledDevice> {
  const device = await issueDevice(pki.root, pki.intermediate, spec);
  await bindDevice(idp, env, device.deviceId, spec.clientAppId ?? 'client', spec.scopes ?? ['device']);
  return device;
}

import { tokenRequestBody } from '../test/support/device-client';
import { bindDevice, deviceAssertion, type EnrolledDevice, issueDevice, makeOrganisationPki, postToken, uploadRoot } from '../test/support/device-fleet';
import { runWithConcurrency } from '../test/support/load-stats';
import type { EnvironmentInfo, TestIdp } from '../test/support/test-idp';

/** A pool on a running local IDP, set up over its admin API as a platform team would (docs/contract.md §3), and its devices. */
export interface EnrolledFleet {
  readonly env: EnvironmentInfo;
  readonly devices: readonly EnrolledDevice[];
}

/**
 * One organisation PKI (EC P-256 root and intermediate), its root uploaded to
 * a new environment, and `size` devices each with its own key and
 * certificate, bound to client `client` with scope `device`.
 */
export async function enrolFleet(idp: TestIdp, size: number, orgId: string): Promise<EnrolledFleet> {
  const env = await idp.createEnvironment(orgId, 'prod');
  const pki = await makeOrganisationPki('Bench');
  await uploadRoot(idp, env.clientPoolId, pki.root.pem);
  const ids = Array.from({ length: size }, (_, i) => `bench-device-${String(i + 1).padStart(5, '0')}`);
  const devices = await Promise.all(ids.map((deviceId) => issueDevice(pki.root, pki.intermediate, { deviceId })));
  await runWithConcurrency(devices, 4, (device) => bindDevice(idp, env, device.deviceId, 'client', ['device']));
  return { env, devices };
}

/** `count` token-request bodies, each with a fresh assertion, the devices in turn. */
export async function tokenRequestBodies(fleet: EnrolledFleet, count: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const { jwt } = await deviceAssertion(fleet.devices[i % fleet.devices.length], fleet.env);
    bodies.push(tokenRequestBody(jwt).toString());
  }
  return bodies;
}

/** POSTs one body to the pool's token endpoint; the HTTP status and, for a refusal, the error code. */
export async function sendTokenRequest(fleet: EnrolledFleet, body: string): Promise<string> {
  const answer = await postToken(fleet.env.tokenEndpoint, body);
  if (answer.status === 200 && typeof answer.body.access_token === 'string') return '200';
  return `${answer.status} ${answer.body?.error_description ?? answer.body?.error ?? ''}`.trim().slice(0, 120);
}

import { type EnrolledDevice, issueDevice } from '../../support/device-fleet';
import type { TestIdp } from '../../support/test-idp';
import { createTrustedPool, enrolDevice, type TrustedPool } from '../../support/trusted-pool';
import { claimsFor, headerFor, signedBy } from './attack-kit';
import { type StoredState, storedState } from './fuzz-harness';
import { send } from './refusal-table';

/** The pool a token fuzz suite attacks, with the state it must keep. */
export interface FuzzFleet extends TrustedPool {
  /** Bound and provisioned: a wrongly accepted input would refresh its record and spend a jti. */
  readonly bound: EnrolledDevice;
  /** Of the same PKI, never bound: no record may ever appear for it. */
  readonly ghost: EnrolledDevice;
  /** The pool's stored state once `bound` has its token. */
  readonly baseline: StoredState;
}

/**
 * An environment trusting a fresh PKI named `pkiName`, the devices
 * `<prefix>-device` (bound to client app `client`) and `<prefix>-ghost`, and
 * one unmodified assertion of `bound` that must get its token, so the
 * fixture itself can fail (docs/contract.md §4).
 */
export async function startFuzzFleet(idp: TestIdp, pkiName: string, prefix: string): Promise<FuzzFleet> {
  const { env, pki } = await createTrustedPool(idp, { pkiName });
  const bound = await enrolDevice(idp, env, pki, { deviceId: `${prefix}-device` });
  const ghost = await issueDevice(pki.root, pki.intermediate, { deviceId: `${prefix}-ghost` });
  const control = await send(env, await signedBy(bound, headerFor(bound), claimsFor(bound, env)));
  expect(control.status).toBe(200);
  return { env, pki, bound, ghost, baseline: await storedState(idp, env.clientPoolId) };
}

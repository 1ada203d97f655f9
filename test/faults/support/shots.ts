import { tokenRequestBody } from '../../support/device-client';
import { deviceAssertion, type EnrolledDevice, type HttpAnswer, postToken, type TokenAnswer } from '../../support/device-fleet';
import type { EnvironmentInfo } from '../../support/test-idp';

/** One device's signed assertion, made before the load it is sent in. */
export interface Shot {
  device: EnrolledDevice;
  jwt: string;
}

/** `count` fresh assertions (each its own jti) for `env`'s token endpoint, round-robin over `devices`. */
export async function signShots(devices: readonly EnrolledDevice[], env: EnvironmentInfo, count: number): Promise<Shot[]> {
  const shots: Shot[] = [];
  for (let i = 0; i < count; i++) {
    const device = devices[i % devices.length];
    shots.push({ device, jwt: (await deviceAssertion(device, env)).jwt });
  }
  return shots;
}

/** Posts a shot as an RFC 7523 jwt-bearer grant to `env`'s token endpoint; the answer as it came. */
export function postShot(env: EnvironmentInfo, shot: Pick<Shot, 'jwt'>): Promise<HttpAnswer<TokenAnswer>> {
  return postToken(env.tokenEndpoint, tokenRequestBody(shot.jwt));
}

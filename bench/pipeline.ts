import { poolUrls } from '../src/domain/pool-urls';
import { parseTokenRequest } from '../src/domain/token-request';
import { IssueToken, type TokenResponse, type TokenSigner } from '../src/usecases/issue-token';
import { BASE, POOL, World } from '../test/unit/assertion/in-memory-ports';
import type { TokenFleet } from './token-fleet';

/** The `aud` the pipeline's pool accepts (its token endpoint, docs/contract.md §4.2). */
export const PIPELINE_TOKEN_ENDPOINT = poolUrls(`${BASE}/`, POOL).tokenEndpoint;

export interface Pipeline {
  /** The token endpoint's work from the form-encoded body to the signed token. */
  issue(formBody: string): Promise<TokenResponse>;
}

/**
 * The project's own code from the form body to the signed token:
 * parseTokenRequest, then IssueToken with the in-memory ports of the unit
 * tests (one pool trusting the fleet's root, every device bound to `client`)
 * and `signer` instead of KMS. The only place the bench composes IssueToken:
 * when its dependencies change, this function is what to fix.
 */
export function composePipeline(fleet: TokenFleet, signer: TokenSigner): Pipeline {
  const world = new World();
  world.now = new Date();
  world.trust(fleet.root);
  for (const device of fleet.devices) world.bind(device.deviceId, 'client', ['device']);
  const issueToken = new IssueToken(world.deps({ signer, clock: () => new Date() }));
  return {
    issue: async (formBody) => {
      const response = await issueToken.execute(POOL, parseTokenRequest(formBody));
      // The recorders of the unit-test world would grow with every token; the bench needs none of them.
      world.events.length = 0;
      world.signed.length = 0;
      world.commits.length = 0;
      world.viewRequests.length = 0;
      return response;
    },
  };
}

import { createHash } from 'node:crypto';
import { poolUrls } from '../src/domain/pool-urls';
import { parseTokenRequest } from '../src/domain/token-request';
import { trustDecisionWindow } from '../src/domain/trust-decision-window';
import { IssueToken, type TokenResponse } from '../src/usecases/issue-token';
import type { TokenSigner } from '../src/usecases/ports';
import type { TokenFleet } from './token-fleet';
import { BenchTokenStore } from './token-store';

const BASE = 'https://idp.example.com';
const POOL = 'pool-bench';
/** The deployment's default TRUST_DECISION_DEADLINE_MS (src/config.ts). */
const DEADLINE_MS = 1000;

/** The `aud` the pipeline's pool accepts (its token endpoint, docs/contract.md §4.2). */
export const PIPELINE_TOKEN_ENDPOINT = poolUrls(`${BASE}/`, POOL).tokenEndpoint;

export interface Pipeline {
  /** The token endpoint's work from the form-encoded body to the signed token. */
  issue(formBody: string): Promise<TokenResponse>;
}

/**
 * The project's own code from the form body to the signed token:
 * parseTokenRequest, then IssueToken with the storage of a warm function
 * held in memory (bench/token-store.ts: one pool trusting the fleet's root,
 * every device bound to `client`) and `signer` instead of KMS, on the real
 * clocks and the deployment's trust window. The only place the bench
 * composes IssueToken: when its dependencies change, this function is what
 * to fix.
 */
export function composePipeline(fleet: TokenFleet, signer: TokenSigner): Pipeline {
  const clock = () => new Date();
  const store = new BenchTokenStore({ clientPoolId: POOL, orgId: 'acme', envId: 'prod', trustEpoch: 0 }, clock);
  store.trust(createHash('sha256').update(fleet.root.der).digest('hex'), fleet.root.der);
  for (const device of fleet.devices) store.bind(device.deviceId, 'client', ['device']);
  const issueToken = new IssueToken({
    reader: store.reader,
    revocations: store.revocations,
    ledger: store.ledger,
    signer,
    trustWindow: trustDecisionWindow(DEADLINE_MS),
    issuerBaseUrl: `${BASE}/`,
    tokenLifetimeSeconds: 3600,
    clock,
  });
  return { issue: (formBody) => issueToken.execute(POOL, parseTokenRequest(formBody)) };
}

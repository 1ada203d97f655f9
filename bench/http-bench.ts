import { type LatencySummary, processRssMiB, runWithConcurrency, summarise, tally } from '../test/support/load-stats';
import { startTestIdp } from '../test/support/test-idp';
import { enrolFleet, sendTokenRequest, tokenRequestBodies } from './enrolled-fleet';

export interface HttpBenchOptions {
  readonly concurrency: number;
  /** Requests sent in the measured run (each with a fresh assertion), fewer if `maxSeconds` passes first. */
  readonly requests: number;
  readonly maxSeconds: number;
  /** Devices enrolled in the pool; requests take them in turn. */
  readonly devices: number;
}

export interface HttpBenchResult {
  readonly summary: LatencySummary;
  /** Issued tokens per second of wall time (refusals not counted). */
  readonly tokensPerSecond: number;
  /** e.g. "200×800". */
  readonly statuses: string;
  readonly serverRssMiB?: number;
}

/**
 * End-to-end token issuance over HTTP against the local IDP as `npm start`
 * runs it (startLocalIdp in a process of its own, the same handlers, on the
 * given DynamoDB Local and s3rver, its own local KMS endpoint). The client
 * runs in this process; assertions are signed before the clock starts.
 */
export async function benchTokenEndpoint(endpoints: { dynamodb: string; s3: string }, options: HttpBenchOptions): Promise<HttpBenchResult> {
  const idp = await startTestIdp({ process: true, dynamodbEndpoint: endpoints.dynamodb, s3Endpoint: endpoints.s3 });
  try {
    const fleet = await enrolFleet(idp, options.devices, 'bench-http');
    // Warm-up: handler modules loaded, signing key read, JIT and connection pools warm.
    await runWithConcurrency(await tokenRequestBodies(fleet, options.devices), 4, (body) => sendTokenRequest(fleet, body));
    const bodies = await tokenRequestBodies(fleet, options.requests);
    const run = await runWithConcurrency(bodies, options.concurrency, (body) => sendTokenRequest(fleet, body), {
      stopAt: performance.now() + options.maxSeconds * 1000,
    });
    const issued = run.answers.filter((answer) => answer.result === '200').length;
    return {
      summary: summarise(
        run.answers.map((answer) => answer.latencyMs),
        run.wallMs,
      ),
      tokensPerSecond: issued / (run.wallMs / 1000),
      statuses: tally(run.answers, (answer) => answer.result),
      serverRssMiB: processRssMiB(idp.serverPid),
    };
  } finally {
    await idp.stop();
  }
}

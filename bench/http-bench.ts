import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../local/emulators/dynamodb-local';
import { type HarnessIdp, startHarnessIdp } from '../test/load/support/harness-idp';
import { type LatencySummary, processRssMiB, runWithConcurrency, summarise, tally } from '../test/load/support/load-stats';
import { tokenRequestBody } from '../test/support/device-client';
import { type EnrolledDevice, bindDevice, deviceAssertion, issueDevice, makeOrganisationPki, postToken, uploadRoot } from '../test/support/device-fleet';

export interface HttpRun {
  readonly concurrency: number;
  readonly summary: LatencySummary;
  readonly statuses: string;
}

export interface HttpBenchResult {
  readonly runs: HttpRun[];
  /** Resident memory of the DynamoDB Local JVM after the runs (Linux only). */
  readonly dynamoDbLocalRssMiB?: number;
}

/**
 * End-to-end token issuance over HTTP against the local IDP as `npm start`
 * builds it (DynamoDB Local on disk, s3rver, the local KMS endpoint, the
 * same handlers), every request with a fresh assertion. The HTTP client runs
 * in this process too; assertions are signed before the clock starts.
 */
export async function benchTokenEndpoint(requestsPerRun: number, concurrencies: readonly number[], maxSecondsPerRun: number): Promise<HttpBenchResult> {
  const dbPath = mkdtempSync(join(tmpdir(), 'idp-bench-dynamodb-'));
  const dynamo = await startDynamoDbLocal({ inMemory: false, dbPath });
  let idp: HarnessIdp | undefined;
  try {
    idp = await startHarnessIdp({ dynamodbEndpoint: dynamo.endpoint });
    const env = await idp.createEnvironment('bench-org', 'prod');
    const pki = await makeOrganisationPki('Bench');
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const devices: EnrolledDevice[] = [];
    for (let i = 1; i <= 4; i++) {
      const device = await issueDevice(pki.root, pki.intermediate, { deviceId: `bench-device-${i}` });
      await bindDevice(idp, env, device.deviceId, 'client', ['device']);
      devices.push(device);
    }
    const signBatch = async (count: number) => {
      const jwts: string[] = [];
      for (let i = 0; i < count; i++) jwts.push((await deviceAssertion(devices[i % devices.length], env)).jwt);
      return jwts;
    };
    const send = (jwt: string) => postToken(env.tokenEndpoint, tokenRequestBody(jwt));

    // Warm-up: handler modules loaded, signing key fetched, JIT and connection pools warm.
    await runWithConcurrency(await signBatch(20), 4, send);

    const runs: HttpRun[] = [];
    for (const concurrency of concurrencies) {
      const batch = await signBatch(requestsPerRun);
      // The cap keeps `npm run bench` bounded on a slow or busy machine; the count actually sent is printed.
      const run = await runWithConcurrency(batch, concurrency, send, { stopAt: performance.now() + maxSecondsPerRun * 1000 });
      runs.push({
        concurrency,
        summary: summarise(run.answers.map((a) => a.latencyMs), run.wallMs),
        statuses: tally(run.answers, (a) => a.result.status),
      });
    }
    return { runs, dynamoDbLocalRssMiB: processRssMiB(dynamo.process.pid) };
  } finally {
    await idp?.stop();
    await dynamo.stop();
    rmSync(dbPath, { recursive: true, force: true });
  }
}

import { availableParallelism, cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { checkAssertionClaims } from '../src/domain/assertion/claims';
import { parseCompactJws } from '../src/domain/assertion/compact-jws';
import { verifyAssertionSignature } from '../src/domain/assertion/signature';
import { type ChainValidationResult, devicePolicy, parseCertificate, publicKeyObject, validateChain } from '../src/domain/chain';
import { formatLatency, formatMemory, memorySnapshot } from '../test/load/support/load-stats';
import { type DeviceAlg, type DevicePrivateKey, signAssertion } from '../test/support/device-client';
import { type BenchChain, crossSignedLoop, ecP256Chain, opensslRecipeChain, sameNamePool } from './chain-fixtures';
import { benchTokenEndpoint } from './http-bench';
import { formatOps, measureOps } from './measure';

/*
 * `npm run bench`: figures only, no pass/fail. Starts and stops everything it
 * needs (DynamoDB Local, s3rver, the local KMS endpoint, the local API
 * server). BENCH_REQUESTS sets the requests per HTTP run (default 300),
 * BENCH_RUN_SECONDS caps each HTTP run (default 30; fewer requests are then sent).
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const RUN_SECONDS = Number(process.env.BENCH_RUN_SECONDS ?? 30);
const CONCURRENCIES = [1, 32];

const chainOutcome = (result: ChainValidationResult) => (result.valid ? 'valid' : result.code);

async function benchChain(chain: BenchChain) {
  const policy = { ...devicePolicy(chain.at), ...(chain.maxChainLength ? { maxChainLength: chain.maxChainLength } : {}) };
  return measureOps(chain.label, () => validateChain({ chain: chain.chain, anchors: chain.anchors, intermediates: chain.intermediates }, policy), chainOutcome, {
    budgetMs: 2_500,
  });
}

/** JWS parse (x5c decoded) + signature with the device key + RFC 7523 claim checks; the chain is benched above. */
async function benchAssertion(label: string, alg: DeviceAlg, privateKey: DevicePrivateKey, deviceDer: Uint8Array, intermediateDer: Uint8Array) {
  const audience = 'http://127.0.0.1/pools/bench/oauth2/token';
  const { jwt } = await signAssertion({ alg, privateKey, x5c: [deviceDer, intermediateDer], iss: 'client', sub: 'bench', aud: audience });
  const key = publicKeyObject(parseCertificate(deviceDer));
  if (!key) throw new Error(`${label}: no usable public key`);
  return measureOps(
    label,
    () => {
      const assertion = parseCompactJws(jwt);
      verifyAssertionSignature(assertion.header.alg, key, assertion.signingInput, assertion.signature);
      return checkAssertionClaims(assertion.claims, { now: new Date(), audiences: [audience] }).subject;
    },
    () => 'verified',
    { maxOps: 20_000, budgetMs: 1_500 },
  );
}

/** A full GC without requiring `node --expose-gc` (so `npm run bench` stays `tsx bench/run.ts`). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function main(): Promise<void> {
  process.env.IDP_LOG_LEVEL ??= 'silent';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = performance.now();
  const memoryAtStart = memorySnapshot();
  console.log(`device-idp bench — node ${process.version}, ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), ${process.platform}/${process.arch}`);
  console.log(formatMemory('memory at start', memoryAtStart));

  console.log('\nchain validation (validateChain, devicePolicy, sequential):');
  const { chain: recipeChain, recipe } = await opensslRecipeChain();
  try {
    const ec = await ecP256Chain();
    for (const chain of [recipeChain, ec.chain, await crossSignedLoop(), await sameNamePool()]) console.log(formatOps(await benchChain(chain)));

    console.log('\nassertion verification (parse + signature + claims, sequential):');
    console.log(formatOps(await benchAssertion('ES256 (EC P-256 device key)', 'ES256', ec.device.keys.privateKey, ec.device.der, ec.intermediate.der)));
    console.log(formatOps(await benchAssertion('RS256 (openssl recipe RSA-2048 device key)', 'RS256', recipe.deviceKeyPem, recipe.device, recipe.intermediate)));
  } finally {
    recipe.cleanup();
  }
  const memoryBeforeHttp = memorySnapshot();

  console.log(`\nend-to-end token issuance over HTTP (local IDP, up to ${REQUESTS} fresh assertions or ${RUN_SECONDS} s per run, client in this process):`);
  const http = await benchTokenEndpoint(REQUESTS, CONCURRENCIES, RUN_SECONDS);
  for (const run of http.runs) console.log(`  ${formatLatency(`concurrency ${String(run.concurrency).padStart(2)}`, run.summary)}  [${run.statuses}]`);
  if (http.dynamoDbLocalRssMiB !== undefined) console.log(`  DynamoDB Local (java) RSS after the runs: ${http.dynamoDbLocalRssMiB} MiB`);

  const memoryAfterHttp = memorySnapshot();
  collectGarbage();
  console.log('\nmemory (this process: bench driver + local API server + handlers + local KMS):');
  console.log(formatMemory('  at start                 ', memoryAtStart));
  console.log(formatMemory('  before HTTP runs         ', memoryBeforeHttp));
  console.log(formatMemory('  after HTTP runs, stopped ', memoryAfterHttp));
  console.log(formatMemory('  after a full GC          ', memorySnapshot()));
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../local/emulators/dynamodb-local';
import { startS3Local } from '../local/emulators/s3-local';
import { benchConfig } from './bench-config';
import { measureCallsPerToken } from './calls-per-token';
import { FigureSheet } from './figures';
import { bundleFunction, importTimes, median, STACK_NODE_OPTIONS } from './function-bundles';
import { benchTokenEndpoint } from './http-bench';
import { measureInterleaved } from './interleaved-throughput';
import { localSigningKey } from './local-es256-signer';
import { TARGETS } from './targets';
import { floorContender, naiveContender, pipelineContender } from './token-contenders';
import { ecP256Fleet, rsaRecipeFleet } from './token-fleet';

/*
 * `npm run bench`: the figures of the performance issue, one `name: value
 * unit` line each (README "Benchmark"), context lines starting with `#`, and
 * the targets checked against this run at the end, as information:
 * a missed target does not fail the run (a section that cannot run does).
 * Starts and stops everything it needs.
 */
const config = benchConfig(process.env);
const sheet = new FigureSheet();
const note = (line: string) => console.log(`# ${line}`);
let failedSections = 0;

async function section(name: string, body: () => Promise<void>): Promise<void> {
  const started = performance.now();
  note(`— ${name}`);
  try {
    await body();
  } catch (error) {
    failedSections++;
    note(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`.replace(/\n/g, '\n# '));
  }
  note(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** 1. Floor, pipeline and naive tokens/s for both chains, every token from the next device of a fresh fleet. */
async function tokens(): Promise<void> {
  const signingKey = localSigningKey();
  for (const makeFleet of [ecP256Fleet, rsaRecipeFleet]) {
    const started = performance.now();
    const fleet = await makeFleet(config.fleetSize);
    try {
      note(`${fleet.suffix}: ${fleet.description}; ${fleet.devices.length} devices, built in ${((performance.now() - started) / 1000).toFixed(1)} s (untimed)`);
      const contenders = [await floorContender(fleet, signingKey), pipelineContender(fleet, signingKey), naiveContender(fleet, signingKey)];
      const [floor, pipeline, naive] = await measureInterleaved(contenders, config.slices);
      for (const result of [floor, pipeline, naive]) note(`${fleet.suffix} ${result.name}: ${result.units} tokens in ${result.seconds.toFixed(2)} s`);
      sheet.add(`floor_tokens_per_s_${fleet.suffix}`, floor.perSecond, 'tokens/s');
      sheet.add(`pipeline_tokens_per_s_${fleet.suffix}`, pipeline.perSecond, 'tokens/s');
      sheet.add(`naive_tokens_per_s_${fleet.suffix}`, naive.perSecond, 'tokens/s');
      sheet.add(`pipeline_to_floor_${fleet.suffix}`, pipeline.perSecond / floor.perSecond, 'ratio');
      sheet.add(`pipeline_to_naive_${fleet.suffix}`, pipeline.perSecond / naive.perSecond, 'ratio');
    } finally {
      fleet.cleanup();
    }
  }
}

/** 3. Bundle size and import time of every function, built as `cdk synth` builds it (AWS SDK external, as the runtime provides it); the import time includes loading the SDK. */
async function bundles(): Promise<void> {
  // Inside the repository: importing a bundle resolves the external AWS SDK from node_modules (function-bundles.ts).
  mkdirSync(join(__dirname, '..', '.cache', 'bench'), { recursive: true });
  const outdir = mkdtempSync(join(__dirname, '..', '.cache', 'bench', 'bundles-'));
  try {
    for (const name of config.functions) {
      const figure = name.replace(/-/g, '_');
      const bundle = await bundleFunction(name, outdir);
      sheet.add(`${figure}_bundle_bytes`, bundle.bytes, 'bytes');
      const largest = bundle.packages.slice(0, 6).map((entry) => `${entry.name} ${(entry.bytes / 1000).toFixed(0)} KB`);
      note(`${name}: largest contributors: ${largest.join(', ')}`);
      const times = await importTimes(bundle.file, config.initRuns, STACK_NODE_OPTIONS);
      sheet.add(`${figure}_init_ms`, median(times), 'ms');
      note(
        `${name}: import ms over ${times.length} processes (NODE_OPTIONS='${STACK_NODE_OPTIONS}', as the stack sets): ${times.map((t) => t.toFixed(0)).join(' ')}`,
      );
      if (name === 'token') {
        const withSourceMaps = await importTimes(bundle.file, config.initRuns, '--enable-source-maps');
        note(`${name}: median import with NODE_OPTIONS=--enable-source-maps (not set by the stack): ${median(withSourceMaps).toFixed(1)} ms`);
      }
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** 2 and 4 share DynamoDB Local (on disk, as `npm start` runs it) and s3rver. */
async function withEmulators(body: (endpoints: { dynamodb: string; s3: string }) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-bench-emulators-'));
  const dynamo = await startDynamoDbLocal({ inMemory: false, dbPath: join(dataDir, 'dynamodb') });
  try {
    const s3 = await startS3Local({ directory: join(dataDir, 's3') });
    try {
      await body({ dynamodb: dynamo.endpoint, s3: s3.endpoint });
    } finally {
      await s3.stop();
    }
  } finally {
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function calls(endpoints: { dynamodb: string; s3: string }): Promise<void> {
  const result = await measureCallsPerToken(endpoints, config.callDevices);
  note(`${result.tokens} warm token requests, one per device, each device's second token, sequential`);
  for (const service of result.services) {
    sheet.add(`${service.figure}_calls_per_token`, service.callsPerToken, 'calls/token');
    if (service.operations) note(`${service.figure} per token: ${service.operations}`);
  }
  sheet.add(
    'sdk_retries_per_token',
    result.services.reduce((sum, service) => sum + service.retriesPerToken, 0),
    'retries/token',
  );
}

async function http(endpoints: { dynamodb: string; s3: string }): Promise<void> {
  const result = await benchTokenEndpoint(endpoints, config.http);
  note(
    `${result.summary.count} requests at concurrency ${config.http.concurrency} in ${(result.summary.wallMs / 1000).toFixed(1)} s [${result.statuses}], ` +
      `p95 ${result.summary.p95.toFixed(1)} ms, max ${result.summary.max.toFixed(1)} ms` +
      (result.serverRssMiB === undefined ? '' : `, server RSS ${result.serverRssMiB} MiB`),
  );
  sheet.add('http_tokens_per_s', result.tokensPerSecond, 'tokens/s');
  sheet.add('http_p50_ms', result.summary.p50, 'ms');
  sheet.add('http_p99_ms', result.summary.p99, 'ms');
}

async function main(): Promise<void> {
  process.env.IDP_LOG_LEVEL ??= 'silent';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = performance.now();
  note(`device-idp bench — node ${process.version}, ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), ${process.platform}/${process.arch}`);
  note(
    `load average at start: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} (other processes share these CPUs)`,
  );
  note(`settings: ${JSON.stringify(config)}`);

  const wanted = (name: string) => config.sections.includes(name);
  // CPU-bound sections first, while no emulator is running.
  if (wanted('tokens')) await section('tokens', tokens);
  if (wanted('bundles')) await section('bundles', bundles);
  if (wanted('calls') || wanted('http')) {
    await section('emulators', () =>
      withEmulators(async (endpoints) => {
        if (wanted('calls')) await section('calls', () => calls(endpoints));
        if (wanted('http')) await section('http', () => http(endpoints));
      }),
    );
  }

  note(
    `load average at end: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  note('');
  note('targets of the performance issue, checked against this run (information only: a MISS does not fail the bench)');
  for (const line of sheet.summary(TARGETS)) console.log(line);
}

main().then(
  () => process.exit(failedSections === 0 ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * `npm run demo`: the whole seed flow against a fresh local IDP, printed
 * step by step (README "First token in five minutes" does the same by hand).
 *
 *   npm run -s demo
 *
 * Starts the local IDP in this process (`startLocalIdp`, what `npm start`
 * runs: DynamoDB Local, the local S3 store and KMS endpoint) on a free port,
 * with a temporary data directory and a generated admin key, then:
 * 1. `device-idp ca init` + `ca issue` for two devices (src/client/ca),
 * 2. an organisation and environment, 3. the root uploaded to its pool,
 * 4. both devices bound to the client app, 5. a token for the first device
 * through the device client (`getDeviceToken`, what `device-idp token`
 * runs), 6. its header and claims, verified against the pool's JWKS,
 * 7. the second device revoked by its certificate's PEM and refused with
 * `certificate_revoked`, 8. everything stopped and removed.
 *
 * Exit 0 when every step gave the expected result; 1 (the failed step and
 * why on stderr) otherwise, 130 when interrupted. Nothing is left behind
 * either way.
 */
import './demo/quiet-logs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalIdp, startLocalIdp } from '../local/local-idp';
import { AdminApi } from './demo/admin-api';
import { DemoExpectationError, DemoOutput, expectResult } from './demo/demo-output';
import { createEnvironment, createPki, type DemoDevice, registerDevices, uploadRoot } from './demo/seed-steps';
import { getToken, revokeDevice, showClaims } from './demo/token-steps';

const DEVICES: readonly [DemoDevice, DemoDevice] = [
  { id: 'till-0042', businessUnit: 'Store 12' },
  { id: 'till-0043', businessUnit: 'Store 12' },
];

const STEP_TITLES = [
  "Create the organisation's CA and two device certificates (device-idp ca init, ca issue)",
  'Create an organisation and its environment (admin API)',
  "Upload the root CA to the environment's pool",
  'Register both devices: bind each to the client app with the device scope',
  `Device ${DEVICES[0].id} gets an access token (device client, RFC 7523 JWT-bearer)`,
  "Decode the token's claims and verify it against the pool JWKS",
  `Revoke device ${DEVICES[1].id} and see its token request refused`,
  'Stop the IDP and remove everything the demo wrote',
] as const;

/** The temporary folder and the local IDP, stopped and removed once, whichever way the demo ends (an interrupted start included). */
class DemoResources {
  readonly work = mkdtempSync(join(tmpdir(), 'device-idp-demo-'));
  private idp?: Promise<LocalIdp>;
  private released?: Promise<void>;

  /** A fresh IDP on a free port, its data (and generated admin key) in `work`/idp-data. */
  startIdp(): Promise<LocalIdp> {
    this.idp = startLocalIdp({ port: 0, dataDir: join(this.work, 'idp-data') });
    return this.idp;
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      await this.idp?.then(
        (idp) => idp.stop(),
        () => undefined, // a failed start has stopped what it started
      );
      rmSync(this.work, { recursive: true, force: true, maxRetries: 3 });
    })();
    return this.released;
  }
}

async function runSteps(out: DemoOutput, resources: DemoResources): Promise<void> {
  const { work } = resources;
  out.line('Device IDP demo: the seed flow against a fresh local IDP, step by step.\n', 0);
  out.line('Starting a fresh local IDP (DynamoDB Local, local S3, local KMS endpoint) …', 0);
  const idp = await resources.startIdp();
  out.line(`listening on ${idp.baseUrl}`);
  out.line(`working folder ${work} (the IDP's data in idp-data/; all removed at the end)`);
  out.line('admin API key: generated for this run into idp-data/admin-api-key (not shown)');
  expectResult(idp.adminKey.source === 'generated', `the admin key was ${idp.adminKey.source}, not generated`);
  const context = { out, work, admin: new AdminApi(idp.baseUrl, idp.adminKey.value) };

  out.heading(STEP_TITLES[0]);
  const rootFingerprint = createPki(context, DEVICES);
  out.heading(STEP_TITLES[1]);
  const env = await createEnvironment(context);
  out.heading(STEP_TITLES[2]);
  await uploadRoot(context, env, rootFingerprint);
  out.heading(STEP_TITLES[3]);
  await registerDevices(context, env, DEVICES);
  out.heading(STEP_TITLES[4]);
  const accessToken = await getToken(context, env, DEVICES[0]);
  out.heading(STEP_TITLES[5]);
  await showClaims(context, env, DEVICES[0], accessToken);
  out.heading(STEP_TITLES[6]);
  await revokeDevice(context, env, DEVICES[1], DEVICES[0]);

  out.heading(STEP_TITLES[7]);
  await resources.release();
  out.line('stopped the API server, DynamoDB Local, the local S3 store and the KMS endpoint');
  out.line(`removed ${work}`);
  expectResult(!existsSync(work), `${work} is still there`);
  out.line(`\nAll ${STEP_TITLES.length} steps gave the expected result.`, 0);
}

async function main(): Promise<number> {
  const out = new DemoOutput(STEP_TITLES.length);
  const resources = new DemoResources();
  let interrupted = false;
  // `on`, not `once`: while a listener remains, the emulators' own signal handlers (local/emulators/kill-with-parent.ts)
  // leave the exit to this one, which first stops and removes everything. A second signal exits at once.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      process.stderr.write(`\ndemo: ${signal}: stopping and cleaning up…\n`);
      void resources.release().finally(() => process.exit(130));
    });
  }
  try {
    await runSteps(out, resources);
    return 0;
  } catch (error) {
    // A step cut short by the interruption is no failure to report.
    if (interrupted) return resources.release().then(() => 130);
    const where = out.step === 0 ? 'starting the local IDP failed' : `step ${out.step} of ${STEP_TITLES.length} failed`;
    const why = error instanceof DemoExpectationError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`\ndemo: ${where}: ${why}\n`);
    await resources.release().catch(() => undefined);
    return 1;
  }
}

void main().then((code) => process.exit(code));

import { resolve } from 'node:path';
import { startLocalIdp } from './local-idp';
import { onLauncherExit } from './watch-launcher';

/** `npm start`: the whole IDP on 127.0.0.1 with no AWS account (docs/contract.md §8). */
async function main(): Promise<void> {
  // Lambda runs Node.js 22; the SDK's notice about local Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  const dataDir = resolve(process.env.IDP_DATA_DIR ?? '.idp-data');
  const idp = await startLocalIdp({
    port,
    dataDir,
    adminApiKey: process.env.IDP_ADMIN_API_KEY,
    previousAdminApiKey: process.env.IDP_ADMIN_API_KEY_PREVIOUS || undefined,
  });

  const keyLine = {
    environment: 'admin API key: from IDP_ADMIN_API_KEY',
    generated: `admin API key (generated, shown once; kept in ${idp.adminKey.file}): ${idp.adminKey.value}`,
    stored: `admin API key: stored in ${idp.adminKey.file}`,
  }[idp.adminKey.source];
  console.log(`Device IDP listening on ${idp.baseUrl}`);
  console.log(keyLine);
  if (idp.adminKey.previous) console.log('previous admin API key: from IDP_ADMIN_API_KEY_PREVIOUS, also accepted');
  console.log(`data directory: ${idp.dataDir}`);
  console.log('Press Ctrl-C to stop.');

  // Once the launcher is gone, so may be the terminal or pipe: a failed write must not cut the shutdown short.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    idp.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Each one as Ctrl-C: stop the server, DynamoDB Local and the KMS endpoint, then exit 0.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  onLauncherExit(() => shutdown('launcher exited'));
}

main().catch((error: unknown) => {
  console.error(`Could not start the local IDP: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

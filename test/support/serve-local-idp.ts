import { type LocalIdpOptions, startLocalIdp } from '../../local/local-idp';

/*
 * Runs the local IDP (startLocalIdp, what `npm start` runs) in a process of
 * its own for startTestIdp({ process: true }) (test-idp-process.ts), so the
 * server does not share a thread with a load generator or run under jest's
 * module sandbox. Configuration: IDP_SERVE_CONFIG, the JSON of
 * LocalIdpOptions without `port`. Prints one JSON line
 * with where it listens; stops, with its emulators, on SIGTERM/SIGINT or
 * when the parent goes away (stdin closes).
 */
async function main(): Promise<void> {
  const config = JSON.parse(process.env.IDP_SERVE_CONFIG ?? '{}') as Omit<LocalIdpOptions, 'port'>;
  const idp = await startLocalIdp({ port: 0, ...config });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    idp.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ baseUrl: idp.baseUrl, endpoints: idp.endpoints })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`serve-local-idp: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensureDynamoDbLocal } from './dynamodb-local-package';
import { findFreePort, isPortFree } from './free-port';
import { requireJava } from './java-runtime';
import { killWithParent } from './kill-with-parent';

export interface StartDynamoDbLocalOptions {
  /** 0 or omitted: a free port is picked. */
  port?: number;
  inMemory: boolean;
  /** Directory for the sqlite file when `inMemory` is false; created if missing. */
  dbPath?: string;
  startTimeoutMs?: number;
  /** JVM flags; the default trades peak throughput for a ~1 s faster start. */
  javaOptions?: readonly string[];
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

const FAST_START_JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const OUTPUT_TAIL_CHARS = 4000;
const BIND_FAILURE = /Failed to bind|BindException|Address already in use/;

/** DynamoDB Local with -sharedDb ignores credentials and region, but the SDK still signs requests. */
export function localDynamoDbClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

function databaseArgs(options: StartDynamoDbLocalOptions): string[] {
  if (options.inMemory) {
    if (options.dbPath) throw new Error('DynamoDB Local: inMemory and dbPath are mutually exclusive');
    return ['-inMemory'];
  }
  if (!options.dbPath) throw new Error('DynamoDB Local: dbPath is required unless inMemory is true');
  mkdirSync(options.dbPath, { recursive: true });
  return ['-dbPath', options.dbPath];
}

async function answersListTables(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function launch(port: number, options: StartDynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const java = requireJava();
  const installation = await ensureDynamoDbLocal();
  const args = [
    `-Djava.library.path=${installation.libraryPath}`,
    ...(options.javaOptions ?? FAST_START_JAVA_OPTIONS),
    '-jar',
    installation.jarPath,
    // One database for every access key and region, so the app, the tests and any CLI see the same tables.
    '-sharedDb',
    // Telemetry would try to reach AWS on every start.
    '-disableTelemetry',
    '-port',
    String(port),
    ...databaseArgs(options),
  ];
  const child = spawn(java.command, args, {
    cwd: installation.directory,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let output = '';
  const remember = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  // Never let the emulator outlive (or keep alive) the process that started it.
  const releaseFromParent = killWithParent(child);
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(child);
    releaseFromParent();
  };
  const probe = new DynamoDBClient({
    ...localDynamoDbClientConfig(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      // Jetty's bind failure does not end the JVM; without this check another server on the port would pass the probe.
      if (BIND_FAILURE.test(output)) throw Object.assign(new Error(`port ${port} is already in use`), { code: 'EADDRINUSE' });
      if (spawnError) throw new Error(`could not run ${java.command}: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`java exited with ${child.exitCode ?? child.signalCode} before answering`);
      }
      if ((await answersListTables(probe)) && !BIND_FAILURE.test(output)) break;
      if (Date.now() > deadline) throw new Error(`no answer on ${endpoint} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    const detail = output.trim() ? `\n--- java output (tail) ---\n${output.trim()}` : '';
    throw Object.assign(new Error(`DynamoDB Local failed to start: ${(error as Error).message}${detail}`), {
      code: (error as { code?: string }).code ?? 'DYNAMODB_LOCAL_START_FAILED',
    });
  } finally {
    probe.destroy();
  }
  return { endpoint, port, process: child, stop };
}

/** Starts DynamoDB Local (java) and resolves once it answers ListTables. */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions): Promise<DynamoDbLocal> {
  if (options.port) {
    if (!(await isPortFree(options.port))) throw new Error(`DynamoDB Local: port ${options.port} is already in use`);
    return launch(options.port, options);
  }
  // A freshly probed free port can still be taken before the JVM binds it; pick another one then.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(await findFreePort(), options);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw error;
    }
  }
}

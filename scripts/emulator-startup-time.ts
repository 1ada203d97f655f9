/**
 * Measures how long each local emulator takes from spawn to first answer.
 * Usage: npx tsx scripts/emulator-startup-time.ts [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../local/emulators/dynamodb-local';
import { ensureDynamoDbLocal } from '../local/emulators/dynamodb-local-package';
import { startS3Local } from '../local/emulators/s3-local';

async function timed(label: string, action: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  const started = process.hrtime.bigint();
  const emulator = await action();
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stopping = process.hrtime.bigint();
  await emulator.stop();
  const stopMs = Number(process.hrtime.bigint() - stopping) / 1e6;
  process.stdout.write(`${label}: start ${startMs.toFixed(0)} ms, stop ${stopMs.toFixed(0)} ms\n`);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  await ensureDynamoDbLocal();
  const directory = mkdtempSync(join(tmpdir(), 's3-local-timing-'));
  try {
    for (let run = 1; run <= runs; run += 1) {
      await timed(`run ${run} DynamoDB Local (in memory)`, () => startDynamoDbLocal({ inMemory: true }));
      await timed(`run ${run} s3rver`, () => startS3Local({ directory }));
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});

/**
 * Pre-fetches DynamoDB Local into .cache/dynamodb-local so the first test run
 * or `npm start` does not pay for the download. Usage: npx tsx scripts/ensure-dynamodb-local.ts
 */
import { ensureDynamoDbLocal } from '../local/emulators/dynamodb-local-package';
import { requireJava } from '../local/emulators/java-runtime';

async function main(): Promise<void> {
  const java = requireJava();
  const installation = await ensureDynamoDbLocal();
  process.stdout.write(`DynamoDB Local ready in ${installation.directory} (Java ${java.majorVersion}: ${java.command})\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

import { documentClient } from '../../src/aws-clients';
import type { SigningKeyManagementConfig } from '../../src/config';
import { signingKeyService } from '../../src/signing-key-composition';
import type { DocumentClient } from '../../src/storage/document-client';
import { DynamoDirectoryRepository } from '../../src/storage/dynamo-directory-repository';
import type { SigningKeyService } from '../../src/usecases/signing-keys';

/**
 * The signing-key use case as the admin function composes it, for the
 * operator scripts (migrate-pool-keys.ts, sweep-signing-keys.ts), with the
 * caller's AWS credentials.
 */
export function operatorSigningKeys(config: SigningKeyManagementConfig): { client: DocumentClient; signingKeys: SigningKeyService } {
  const client = documentClient();
  const signingKeys = signingKeyService({
    client,
    config,
    directory: new DynamoDirectoryRepository(client, config.tableName, config.trustWindow),
    clock: () => new Date(),
  });
  return { client, signingKeys };
}

/**
 * Runs an operator script's `main` and sets the exit code it answers; a
 * failure to start (configuration, credentials) prints one line prefixed
 * with the script's name and exits 2.
 */
export function runOperatorScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

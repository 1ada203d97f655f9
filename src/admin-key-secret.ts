import { GetSecretValueCommand, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { DependencyError } from './errors';
import type { AdminKeys } from './usecases/ports';

/** The one Secrets Manager call the admin-key-protected functions make. */
export interface SecretValueReader {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/**
 * The admin key (AWSCURRENT) and the key the last rotation replaced
 * (AWSPREVIOUS, absent before the first rotation).
 *
 * Read one after the other, current first: a rotation finishing between the
 * two reads moves AWSPREVIOUS onto the version just read as current, which the
 * version ids reveal, and AWSCURRENT is read again. Two parallel reads could
 * instead pair the new key with the one before the old, refusing the key every
 * caller still holds.
 */
export async function readAdminKeys(client: SecretValueReader, secretArn: string): Promise<AdminKeys> {
  try {
    let current = await readStage(client, secretArn, CURRENT);
    if (!current) throw new Error('the admin API key secret has no AWSCURRENT value');
    const previous = await readStage(client, secretArn, PREVIOUS);
    if (previous && previous.versionId === current.versionId) {
      current = await readStage(client, secretArn, CURRENT);
      if (!current) throw new Error('the admin API key secret has no AWSCURRENT value');
    }
    return previous && previous.versionId !== current.versionId ? { current: current.value, previous: previous.value } : { current: current.value };
  } catch (error) {
    throw new DependencyError('secrets', error);
  }
}

async function readStage(client: SecretValueReader, secretArn: string, stage: string) {
  try {
    const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    if (!secret.SecretString) throw new Error(`the admin API key secret's ${stage} version is empty`);
    return { versionId: secret.VersionId, value: secret.SecretString };
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException' && stage === PREVIOUS) return undefined;
    throw error;
  }
}

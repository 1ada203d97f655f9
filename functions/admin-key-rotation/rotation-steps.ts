import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { ADMIN_KEY_LENGTH, isAdminKeyShape } from '../../src/admin-key-shape';
import { logger } from '../../src/observability';

export type RotationClient = Pick<SecretsManagerClient, 'send'>;

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

/**
 * A Secrets Manager rotation function for the global admin key, following the
 * four-step contract of the AWS rotation function template: createSecret puts
 * a new key as AWSPENDING under the rotation's ClientRequestToken, setSecret
 * has nothing to set (the functions read the secret itself), testSecret checks
 * the pending key, finishSecret moves AWSCURRENT onto it (Secrets Manager then
 * moves AWSPREVIOUS onto the key it replaced, which the functions still
 * accept). Secrets Manager may invoke any step again, so each first looks at
 * the state it would produce.
 */
export function createRotationHandler(client: RotationClient) {
  return async (event: SecretsManagerRotationEvent): Promise<void> => {
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
    const metadata = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (!metadata.RotationEnabled) throw new Error('the secret is not enabled for rotation');
    const versions = metadata.VersionIdsToStages ?? {};
    const stages = versions[token];
    if (!stages) throw new Error(`version ${token} has no stage for rotation`);
    if (stages.includes(CURRENT)) {
      logger.info('admin key rotation: version already current', { step, versionId: token });
      return;
    }
    if (!stages.includes(PENDING)) throw new Error(`version ${token} is not AWSPENDING`);

    switch (step) {
      case 'createSecret':
        await createSecret(client, secretId, token);
        break;
      case 'setSecret':
        break;
      case 'testSecret':
        await testSecret(client, secretId, token);
        break;
      case 'finishSecret':
        await finishSecret(client, secretId, token, versions);
        break;
      default:
        throw new Error(`unknown rotation step ${String(step)}`);
    }
    logger.info('admin key rotation step done', { step, versionId: token });
  };
}

async function createSecret(client: RotationClient, secretId: string, token: string): Promise<void> {
  // A rotation starts from a current key.
  await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: CURRENT }));
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: PENDING }));
    return; // an earlier attempt of this step already put the key
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  // The same generator, with the same settings, as the key made at deploy time (lib/constructs/admin-api-key.ts).
  const { RandomPassword: key } = await client.send(
    new GetRandomPasswordCommand({ PasswordLength: ADMIN_KEY_LENGTH, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }),
  );
  if (!key || !isAdminKeyShape(key)) throw new Error('GetRandomPassword returned a value that is not an admin key');
  await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: key, VersionStages: [PENDING] }));
}

async function testSecret(client: RotationClient, secretId: string, token: string): Promise<void> {
  const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: PENDING }));
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: CURRENT }));
  if (!pending.SecretString || !isAdminKeyShape(pending.SecretString)) {
    throw new Error(`the pending admin key is not ${ADMIN_KEY_LENGTH} letters and digits`);
  }
  if (pending.SecretString === current.SecretString) throw new Error('the pending admin key equals the current one');
}

async function finishSecret(client: RotationClient, secretId: string, token: string, versions: Record<string, string[]>): Promise<void> {
  const currentVersion = Object.keys(versions).find((id) => versions[id].includes(CURRENT));
  await client.send(
    new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: CURRENT, MoveToVersionId: token, RemoveFromVersionId: currentVersion }),
  );
  // Leaves AWSPENDING on no version, so the next RotateSecret does not see a rotation in progress.
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: PENDING, RemoveFromVersionId: token }));
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ResourceNotFoundException';
}

import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, type KeyMetadata, type KeySpec, type KMSClient } from '@aws-sdk/client-kms';

/**
 * The local runtime's counterpart of the stack's signing-key construct: find
 * the token signing key by alias, or create it (and the alias) on first start.
 * The alias lives in the KMS data itself, so the key id survives restarts and
 * there is no second file that could point at a key that no longer exists.
 */
export const DEFAULT_SIGNING_KEY_ALIAS = 'alias/device-idp-token-signing';

export interface EnsureSigningKeyOptions {
  alias?: string;
  /** Default ECC_NIST_P256 (ES256), as in the stack. */
  keySpec?: KeySpec;
}

export interface EnsuredSigningKey {
  keyId: string;
  keyArn: string;
  keySpec: KeySpec;
  /** True when this call created the key. */
  created: boolean;
}

export async function ensureSigningKey(kms: KMSClient, options: EnsureSigningKeyOptions = {}): Promise<EnsuredSigningKey> {
  const alias = options.alias ?? DEFAULT_SIGNING_KEY_ALIAS;
  const keySpec = options.keySpec ?? 'ECC_NIST_P256';
  const existing = await describe(kms, alias);
  if (existing) return checked(existing, alias, keySpec, false);

  const { KeyMetadata: created } = await kms.send(
    new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY', Description: 'device-idp access token signing (local)' }),
  );
  if (!created?.KeyId) throw new Error('KMS CreateKey returned no key id');
  try {
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: created.KeyId }));
  } catch (error) {
    // Another process won the race to create the alias: use its key, ours stays unused.
    if ((error as Error).name !== 'AlreadyExistsException') throw error;
    const winner = await describe(kms, alias);
    if (!winner) throw error;
    return checked(winner, alias, keySpec, false);
  }
  return checked(created, alias, keySpec, true);
}

async function describe(kms: KMSClient, keyId: string): Promise<KeyMetadata | undefined> {
  try {
    return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  }
}

function checked(metadata: KeyMetadata, alias: string, keySpec: KeySpec, created: boolean): EnsuredSigningKey {
  if (!metadata.KeyId || !metadata.Arn) throw new Error(`KMS returned no key id for ${alias}`);
  // Switching key spec means switching alg and kid: refuse rather than silently keep the old key.
  if (metadata.KeySpec !== keySpec || metadata.KeyUsage !== 'SIGN_VERIFY') {
    throw new Error(
      `${alias} points to a ${metadata.KeySpec}/${metadata.KeyUsage} key, expected ${keySpec}/SIGN_VERIFY; ` +
        'use another alias or remove the local data directory',
    );
  }
  return { keyId: metadata.KeyId, keyArn: metadata.Arn, keySpec, created };
}

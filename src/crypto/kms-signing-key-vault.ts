import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, type KeySpec, type KMS, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { SIGNING_KEY_TAGS } from '../config-names';
import { callDependency } from '../errors';
import { logger } from '../observability';
import type { SigningKeyVault, VaultKey } from '../usecases/ports';
import { KmsJwtSigner } from './kms-signer';

export interface KmsSigningKeyVaultConfig {
  /** Value of the `device-idp:stack` tag: the stack's IAM policies allow KMS use only on keys carrying it. */
  stackTag: string;
  keySpec: KeySpec;
  /** `alias/device-idp/<stack tag>` */
  aliasPrefix: string;
  /** The stack's shared key of the pools created before per-pool keys. */
  legacyKeyArn?: string;
}

/** The maximum KMS allows: a key scheduled by mistake can be recovered (CancelKeyDeletion) for 30 days, at no charge meanwhile. */
const DELETION_WINDOW_DAYS = 30;
/** Alias numbers tried past the first, when a failed earlier creation left one behind. */
const ALIAS_ATTEMPTS = 5;

/**
 * Pool signing keys in KMS (docs/contract.md §4.6). Every call goes through
 * `callDependency('kms')`: an outage is a 503, never a partial answer. A key
 * is created, its public key read (the kid is the RFC 7638 thumbprint
 * KmsJwtSigner computes), then aliased; when a later step fails, the new key
 * is scheduled for deletion before the error propagates.
 */
export class KmsSigningKeyVault implements SigningKeyVault {
  constructor(
    private readonly kms: KMS,
    private readonly config: KmsSigningKeyVaultConfig,
  ) {}

  async createKey(poolId: string, aliasNumber: number): Promise<VaultKey> {
    const created = await callDependency('kms', () =>
      this.kms.send(
        new CreateKeyCommand({
          KeySpec: this.config.keySpec,
          KeyUsage: 'SIGN_VERIFY',
          Description: `device-idp access-token signing key of pool ${poolId} (stack ${this.config.stackTag})`,
          Tags: [
            { TagKey: SIGNING_KEY_TAGS.stack, TagValue: this.config.stackTag },
            { TagKey: SIGNING_KEY_TAGS.pool, TagValue: poolId },
          ],
        }),
      ),
    );
    const keyArn = created.KeyMetadata?.Arn;
    if (!keyArn) throw new Error('KMS CreateKey returned no key ARN');
    try {
      const { kid, alg } = await callDependency('kms', () => new KmsJwtSigner(this.kms, keyArn).describe());
      const alias = await this.createAlias(poolId, aliasNumber, keyArn);
      return { keyArn, kid, alg, alias };
    } catch (error) {
      await this.scheduleDeletion(keyArn).catch((cause: unknown) =>
        logger.error('unfinished signing key not scheduled for deletion', { poolId, keyArn, error: errorName(cause) }),
      );
      throw error;
    }
  }

  async legacyKey(): Promise<(VaultKey & { createdAt: string }) | undefined> {
    const keyArn = this.config.legacyKeyArn;
    if (!keyArn) return undefined;
    const [{ kid, alg }, described] = await Promise.all([
      callDependency('kms', () => new KmsJwtSigner(this.kms, keyArn).describe()),
      callDependency('kms', () => this.kms.send(new DescribeKeyCommand({ KeyId: keyArn }))),
    ]);
    const createdAt = described.KeyMetadata?.CreationDate ?? new Date(0);
    return { keyArn, kid, alg, createdAt: createdAt.toISOString() };
  }

  async scheduleDeletion(keyArn: string): Promise<void> {
    if (keyArn === this.config.legacyKeyArn) throw new Error('the shared legacy signing key is never scheduled for deletion');
    await callDependency('kms', () => this.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: DELETION_WINDOW_DAYS })));
  }

  private async createAlias(poolId: string, first: number, keyArn: string): Promise<string> {
    for (let n = first; ; n++) {
      const alias = `${this.config.aliasPrefix}/${poolId}/${n}`;
      try {
        await callDependency('kms', () => this.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyArn })));
        return alias;
      } catch (error) {
        // A rotation that lost its race, or failed after its alias, leaves that number taken.
        const name = error instanceof Error && 'cause' in error ? errorName(error.cause) : undefined;
        if (name !== 'AlreadyExistsException' || n >= first + ALIAS_ATTEMPTS) throw error;
      }
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

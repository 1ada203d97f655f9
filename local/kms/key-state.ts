import { KEY_SPECS } from './key-specs';
import { ACCOUNT_ID, type LocalKey } from './key-store';
import { disabled, pendingDeletion } from './kms-error';

/**
 * KeyMetadata as DescribeKey and CreateKey return it. `Enabled` is true
 * exactly when KeyState is Enabled; DeletionDate appears only while the key
 * is PendingDeletion (KMS API reference, KeyMetadata). Tags and aliases are
 * not part of it.
 */
export function keyMetadata(key: LocalKey): object {
  return {
    AWSAccountId: ACCOUNT_ID,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate,
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    ...(key.keyState === 'PendingDeletion' ? { DeletionDate: key.deletionDate } : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    SigningAlgorithms: KEY_SPECS[key.keySpec].signingAlgorithms,
    MultiRegion: false,
  };
}

/**
 * Sign and GetPublicKey: Disabled → DisabledException "<key ARN> is disabled."
 * (key-state table, footnote [1]); PendingDeletion → KMSInvalidStateException
 * "<key ARN> is pending deletion." (footnote [3]). For pending deletion the
 * table says "[2] or [3]" (DisabledException or KMSInvalidStateException);
 * KMSInvalidStateException is what KMS has been recorded answering for a
 * cryptographic operation on a key pending deletion.
 */
export function assertUsable(key: LocalKey): void {
  if (key.keyState === 'Disabled') throw disabled(key.arn);
  assertNotPendingDeletion(key);
}

/** The management operations that fail on a key pending deletion (CreateAlias, EnableKey, TagResource, ...). */
export function assertNotPendingDeletion(key: LocalKey): void {
  if (key.keyState === 'PendingDeletion') throw pendingDeletion(key.arn);
}

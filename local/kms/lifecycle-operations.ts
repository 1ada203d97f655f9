import { type Operation, optionalInteger, requireKey } from './input';
import { assertNotPendingDeletion } from './key-state';
import type { KeyState, LocalKey } from './key-store';
import { notPendingDeletion, pendingDeletion } from './kms-error';

/**
 * Key states: ScheduleKeyDeletion, CancelKeyDeletion, DisableKey, EnableKey.
 * All four take a key id or key ARN only (their API reference says "Specify
 * the key ID or key ARN"). Transitions follow the key-state table: a key
 * pending deletion can only have its deletion cancelled, which leaves it
 * Disabled. Nothing is ever deleted locally: the deletion date only shows.
 */
const DAY_SECONDS = 24 * 60 * 60;
const DEFAULT_PENDING_WINDOW_DAYS = 30;

export const LIFECYCLE_OPERATIONS: Readonly<Record<string, Operation>> = {
  async ScheduleKeyDeletion(store, input) {
    const days = optionalInteger(input, 'PendingWindowInDays', 7, 30) ?? DEFAULT_PENDING_WINDOW_DAYS;
    const key = requireKey(store, input, { aliases: false });
    const scheduled = await store.updateKey(key.keyId, (current) => {
      if (current.keyState === 'PendingDeletion') throw pendingDeletion(current.arn);
      return { ...current, keyState: 'PendingDeletion', deletionDate: Date.now() / 1000 + days * DAY_SECONDS };
    });
    return { KeyId: scheduled.arn, DeletionDate: scheduled.deletionDate, KeyState: scheduled.keyState, PendingWindowInDays: days };
  },

  async CancelKeyDeletion(store, input) {
    const key = requireKey(store, input, { aliases: false });
    const cancelled = await store.updateKey(key.keyId, (current) => {
      if (current.keyState !== 'PendingDeletion') throw notPendingDeletion(current.arn);
      return withState(current, 'Disabled');
    });
    return { KeyId: cancelled.arn };
  },

  async DisableKey(store, input) {
    await setState(store, requireKey(store, input, { aliases: false }), 'Disabled');
    return {};
  },

  async EnableKey(store, input) {
    await setState(store, requireKey(store, input, { aliases: false }), 'Enabled');
    return {};
  },
};

/** Disabling a disabled key (or enabling an enabled one) succeeds and changes nothing, as in KMS. */
function setState(store: Parameters<Operation>[0], key: LocalKey, keyState: 'Enabled' | 'Disabled'): Promise<LocalKey> {
  return store.updateKey(key.keyId, (current) => {
    assertNotPendingDeletion(current);
    return current.keyState === keyState ? current : withState(current, keyState);
  });
}

function withState(key: LocalKey, keyState: KeyState): LocalKey {
  const { deletionDate: _dropped, ...rest } = key;
  return { ...rest, keyState };
}

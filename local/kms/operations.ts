import { ALIAS_OPERATIONS } from './alias-operations';
import type { Operation } from './input';
import { KEY_OPERATIONS } from './key-operations';
import { LIFECYCLE_OPERATIONS } from './lifecycle-operations';
import { TAG_OPERATIONS } from './tag-operations';

export type { Operation } from './input';

/** Every `TrentService.<Operation>` the local KMS answers; anything else is UnsupportedOperationException. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  ...KEY_OPERATIONS,
  ...LIFECYCLE_OPERATIONS,
  ...ALIAS_OPERATIONS,
  ...TAG_OPERATIONS,
};

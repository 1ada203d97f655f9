/**
 * The single DynamoDB table's shape, shared by the CDK construct and the local
 * runtime / tests (which create the table from this same definition).
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL removes expired replay-cache entries. */
  timeToLiveAttribute: 'expiresAt',
} as const;

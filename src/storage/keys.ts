/**
 * Single-table key layout. Identifiers never contain '#' (see
 * domain/identifiers.ts), so every prefix below is unambiguous.
 *
 *   ORG#{orgId}      ORG                          organisation
 *   ORG#{orgId}      ENV#{envId}                  environment (+ its clientPoolId)
 *   POOL#{poolId}    POOL                         pool → org/env
 *   POOL#{poolId}    ROOT#{fingerprint}           trusted root (metadata + DER)
 *   POOL#{poolId}    DEVICE#{deviceId}            device record
 *   POOL#{poolId}    BINDING#{deviceId}#{appId}   device app binding
 *   APIKEY#{keyId}   APIKEY                       org API key (hash only)
 *   JTI#{poolId}#{sha256(jti)}  JTI               replay cache, TTL expiresAt
 */
export const keys = {
  org: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  env: (orgId: string, envId: string) => ({ pk: `ORG#${orgId}`, sk: `ENV#${envId}` }),
  pool: (poolId: string) => ({ pk: `POOL#${poolId}`, sk: 'POOL' }),
  root: (poolId: string, fingerprint: string) => ({ pk: `POOL#${poolId}`, sk: `ROOT#${fingerprint}` }),
  rootPrefix: 'ROOT#',
  device: (poolId: string, deviceId: string) => ({ pk: `POOL#${poolId}`, sk: `DEVICE#${deviceId}` }),
  binding: (poolId: string, deviceId: string, clientAppId: string) => ({
    pk: `POOL#${poolId}`,
    sk: `BINDING#${deviceId}#${clientAppId}`,
  }),
  bindingPrefix: (deviceId: string) => `BINDING#${deviceId}#`,
  apiKey: (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: 'APIKEY' }),
  jti: (poolId: string, jtiHash: string) => ({ pk: `JTI#${poolId}#${jtiHash}`, sk: 'JTI' }),
  poolPartition: (poolId: string) => `POOL#${poolId}`,
};

/** Drops key attributes before records leave the storage layer. */
export function withoutKeys<T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk'> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export function isTransactionConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}

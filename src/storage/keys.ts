/**
 * Single-table key layout. Identifiers never contain '#' (see
 * domain/identifiers.ts), and fingerprints / issuer ids are hex, so every
 * prefix below is unambiguous.
 *
 *   ORG#{orgId}      ORG                          organisation
 *   ORG#{orgId}      ENV#{envId}                  environment (+ its clientPoolId)
 *   POOL#{poolId}    POOL                         pool → org/env, trustEpoch
 *   POOL#{poolId}    ROOT#{fingerprint}           trusted root (metadata + DER + objectKey of its S3 copy)
 *   POOL#{poolId}    DEVICE#{deviceId}            device record (generation, status, provisioning)
 *   POOL#{poolId}    BINDING#{deviceId}#{appId}   device app binding (deviceGeneration, revision)
 *   POOL#{poolId}    REVOKED#{fingerprint}        certificate revoked by the operator
 *   POOL#{poolId}    CRL#{issuerId}               the current CRL of one issuer (metadata, bucketCount, crlId)
 *   POOL#{poolId}    CRLENTRIES#{issuerId}#{crlId}#{bucket}  revoked serials of that CRL, hashed into buckets
 *   APIKEY#{keyId}   APIKEY                       org API key (hash only; authentication's one GetItem)
 *   ORG#{orgId}      APIKEY#{keyId}               index of an org's keys: id, createdAt, lastUsedAt, no hash.
 *                    Written with the APIKEY record in one transaction, deleted with it in
 *                    another, so one Query lists an org's keys. Keys created before the index
 *                    existed get theirs on their next successful use (dynamo-api-key-repository.ts).
 *   JTI#{poolId}#{sha256(jti)}  JTI               replay cache, TTL expiresAt
 *
 * ## Why taking trust back is final (the deletion invariants)
 *
 * A token is issued by one TransactWriteItems (DynamoIssuanceLedger.commit)
 * that (1) updates the device record on the condition that its `generation`
 * is the one the decision read and its `status` is active, (2) checks that
 * the binding still carries the `revision` the decision read, and (3) puts
 * the jti on the condition that it is unspent. Only after that commit is the
 * token returned, so its issuance instant is the commit.
 *
 * - Device: `generation` is a random id written when the record is created
 *   and never changed. Deleting the device is one conditional DeleteItem of
 *   the record: any commit after it fails condition (1), so no token is
 *   issued for the device afterwards. Provisioning is an update of the
 *   existing record under condition (1), so it can never re-create the
 *   record. Bindings carry the `deviceGeneration` they were written for;
 *   a binding whose generation is not the record's is dead (never listed,
 *   never honoured) and is swept after the delete, so a binding written
 *   concurrently with the delete cannot bring the device back: either its
 *   transaction committed before the delete (it names the old generation,
 *   which is gone), or it commits after, in which case it re-created the
 *   device as a registration (SPEC: a binding creates the device), visible
 *   to GET exactly as to the token endpoint.
 * - Binding: each write gives it a fresh `revision`; removing it is one
 *   DeleteItem; condition (2) refuses every commit that read the old one.
 * - Disabling: one UpdateItem of `status`; condition (1) refuses every commit
 *   after it.
 * - Roots, revocations, CRLs (pool-wide trust): every change that takes
 *   trust away is one transaction with an increment of the pool item's
 *   `trustEpoch` (commitTrustChange). The token path reads the epoch before
 *   it reads any trust state, and reads it again after its commit: if it
 *   moved, the decision is re-taken on the new state before the token may
 *   leave. A change that commits after that second read was not visible to
 *   the request and its 204 follows its own commit, so the token was issued
 *   before the change; a change that commits before it is always seen.
 *   Pool-wide state is deliberately not a condition of the issuance
 *   transaction: every device of a pool would contend for one item
 *   (TransactionConflict), while plain reads of it never conflict.
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
  revoked: (poolId: string, fingerprint: string) => ({ pk: `POOL#${poolId}`, sk: `REVOKED#${fingerprint}` }),
  revokedPrefix: 'REVOKED#',
  crl: (poolId: string, issuerId: string) => ({ pk: `POOL#${poolId}`, sk: `CRL#${issuerId}` }),
  crlPrefix: 'CRL#',
  crlEntries: (poolId: string, issuerId: string, crlId: string, bucket: number) => ({
    pk: `POOL#${poolId}`,
    sk: `CRLENTRIES#${issuerId}#${crlId}#${bucket}`,
  }),
  crlEntriesPrefix: (issuerId: string) => `CRLENTRIES#${issuerId}#`,
  apiKey: (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: 'APIKEY' }),
  orgApiKey: (orgId: string, keyId: string) => ({ pk: `ORG#${orgId}`, sk: `APIKEY#${keyId}` }),
  orgApiKeyPrefix: 'APIKEY#',
  orgPartition: (orgId: string) => `ORG#${orgId}`,
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

/** Cancellation reason codes of a TransactWriteItems, in the order of its items; undefined when it was not cancelled. */
export function cancellationReasons(error: unknown): Array<string | undefined> | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => (reason.Code === 'None' ? undefined : reason.Code));
}

export function isTransactionConditionFailure(error: unknown): boolean {
  return cancellationReasons(error)?.some((code) => code === 'ConditionalCheckFailed') ?? false;
}

/** Another transaction held one of the items: nothing was written, and the same transaction may be tried again. */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof Error && error.name === 'TransactionConflictException') return true;
  const reasons = cancellationReasons(error);
  return reasons !== undefined && reasons.some((code) => code === 'TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
}

import { createHash } from 'node:crypto';

/**
 * Two tables with one key shape (pk, sk; TTL attribute expiresAt; see
 * table-schema.ts). Identifiers never contain '#' (see domain/identifiers.ts),
 * and fingerprints / issuer ids / hashes are hex, so every prefix below is
 * unambiguous.
 *
 * The configuration table (`tables.config`): what platform teams manage. The
 * token function may only read its POOL# partitions and condition-check
 * items in them (IAM `dynamodb:LeadingKeys`, lib/idp-stack.ts): it never
 * writes here and never sees ORG# or APIKEY# items.
 *
 *   ORG#{orgId}      ORG                          organisation
 *   ORG#{orgId}      ENV#{envId}                  environment (+ its clientPoolId)
 *   POOL#{poolId}    POOL                         pool → org/env, trustEpoch, requireCrl, signingKeys (the list is
 *                                                 replaced only on the condition that it is unchanged;
 *                                                 trustEpoch unaffected; rotation rules: src/domain/signing-keys.ts)
 *   POOL#{poolId}    ROOT#{anchorId}              trust anchor: one per subject + key (RFC 5280 §6.1.1 (d); anchorIdentity),
 *                                                 the DER held now + every fingerprint it was uploaded under + objectKey
 *                                                 of its S3 copy. Records written before anchors were keyed by identity
 *                                                 are keyed by fingerprint; a delete removes every record of the anchor.
 *   POOL#{poolId}    DEVICE#{deviceId}            device record (generation, status)
 *   POOL#{poolId}    BINDING#{deviceId}#{appId}   device app binding (deviceGeneration, revision)
 *   POOL#{poolId}    REVOKED#{fingerprint}        certificate revoked by the operator (+ the ids of its identities below)
 *   POOL#{poolId}    REVOKEDSERIAL#{issuerSerialId}  revocationIds: the revocations (by PEM) of that issuer + serial, any encoding
 *   POOL#{poolId}    REVOKEDKEY#{crlIssuerId}        revocationIds: the revocations (by PEM) of a CA with that subject + key
 *                    Written and removed in the same transaction as the REVOKED# records they name
 *                    (dynamo-revocation-repository.ts); an item exists while some record names it.
 *   POOL#{poolId}    CRLSCOPE#{scopeId}           the current CRLs of one CRL scope: an issuer name under one trust anchor
 *                                                 (crlScopeId, RFC 5280 §6.3.3 (b)(1), (f)), one attribute crl_{signerId} per
 *                                                 signing key (its metadata, crlId, bucketCount, its signer's path: crl-items.ts)
 *   POOL#{poolId}    CRLSCOPEENTRIES#{scopeId}#{crlId}#{bucket}  revoked serials of one of those CRLs, hashed into buckets
 *   POOL#{poolId}    CRL#{issuerId}               a CRL stored before scopes existed, keyed by its signer's crlIssuerId (name
 *                                                 and key): still read (by the path's keys of each CA) until the next upload
 *                                                 of that signer replaces it in the same transaction; never written any more
 *   POOL#{poolId}    CRLENTRIES#{issuerId}#{crlId}#{bucket}  revoked serials of such a CRL, hashed into buckets
 *   APIKEY#{keyId}   APIKEY                       org API key (hash only; authentication's one GetItem)
 *   ORG#{orgId}      APIKEY#{keyId}               index of an org's keys: id, createdAt, lastUsedAt, no hash.
 *                    Written with the APIKEY record in one transaction, deleted with it in
 *                    another, so one Query lists an org's keys. Keys created before the index
 *                    existed get theirs on their next successful use (dynamo-api-key-repository.ts).
 *
 * The runtime table (`tables.runtime`): what the token function writes, and
 * nothing else.
 *
 *   JTI#{poolId}#{replayHash(deviceId, jti)}  JTI   replay cache (per device), TTL expiresAt
 *   PROV#{poolId}#{deviceId}  GEN#{generation}    provisioning state of one generation of a device
 *
 * ## Why taking trust back is final (the deletion invariants)
 *
 * A token is issued by one TransactWriteItems across both tables
 * (DynamoIssuanceLedger.commit) that (1) checks that the device record still
 * has the `generation` the decision read and an active `status`, (2) checks
 * that the binding still carries the `revision` the decision read, (3) puts
 * the jti on the condition that it is unspent and (4) refreshes the
 * provisioning state of that generation. Only after that commit is the token
 * returned, so its issuance instant is the commit.
 *
 * - Device: `generation` is a random id written when the record is created
 *   and never changed. Deleting the device is one conditional DeleteItem of
 *   the record: any commit after it fails condition (1), so no token is
 *   issued for the device afterwards. Provisioning never writes the record:
 *   its state lives in the runtime table under the generation, written only
 *   under condition (1), so a token request cannot re-create a device, and
 *   a device registered again starts with no history. Bindings carry the `deviceGeneration` they were written for;
 *   a binding whose generation is not the record's is dead (never listed,
 *   never honoured) and is swept after the delete, so a binding written
 *   concurrently with the delete cannot bring the device back: either its
 *   transaction committed before the delete (it names the old generation,
 *   which is gone), or it commits after, in which case it re-created the
 *   device as a registration (docs/contract.md §3.2: a binding creates the device), visible
 *   to GET exactly as to the token endpoint.
 * - Binding: each write gives it a fresh `revision`; removing it is one
 *   DeleteItem; condition (2) refuses every commit that read the old one.
 * - Disabling: one UpdateItem of `status`; condition (1) refuses every commit
 *   after it.
 * - Roots, revocations, CRLs, requireCrl (pool-wide trust): every change
 *   that takes trust away is one transaction with an increment of the pool
 *   item's `trustEpoch` (commitTrustChange), and answers only after a
 *   settle wait of `settleMs` from the moment its commit was acknowledged
 *   (src/domain/trust-decision-window.ts). The token path reads the pool
 *   (epoch, trust list) and the revocation state in the one batch of its
 *   decision (DynamoTokenDecisionReader) and measures, on its monotonic
 *   clock, from just before that read to the acknowledgement of its commit.
 *   - Within `deadlineMs` (≤ settleMs): the token leaves. A change the read
 *     did not see committed after the read was sent, so its answer comes
 *     at least settleMs after that, later than this token: the token was
 *     issued before the change answered, never after.
 *   - Past the deadline: the pool is read again; if the epoch moved, the
 *     decision is re-taken on the new state before the token may leave. A
 *     change that commits after that re-read answers after its settle
 *     wait, which began after this token's commit.
 *   A request that starts after a change has answered reads after its
 *   commit and sees it. Only durations are compared, each on one machine,
 *   so clocks need not agree, only run at the same rate (settleMs has a
 *   100 ms margin). Pool-wide state is deliberately not a condition of the
 *   issuance transaction: every device of a pool would contend for one
 *   item (TransactionConflict), while plain reads of it never conflict.
 * - The pool item's trust list (`anchors`): every ROOT# write puts its
 *   entry in the same transaction, every delete removes it in the same
 *   transaction; a pool created before the list existed gets it whole in
 *   its first root write (dynamo-trust-store-repository.ts), and until
 *   then the token path reads its ROOT# records.
 */
/** The pool item's map of anchorId → base64 DER: its trust list (dynamo-trust-store-repository.ts). */
export const POOL_ANCHORS = 'anchors';

export const keys = {
  org: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  env: (orgId: string, envId: string) => ({ pk: `ORG#${orgId}`, sk: `ENV#${envId}` }),
  pool: (poolId: string) => ({ pk: `POOL#${poolId}`, sk: 'POOL' }),
  root: (poolId: string, anchorId: string) => ({ pk: `POOL#${poolId}`, sk: `ROOT#${anchorId}` }),
  rootPrefix: 'ROOT#',
  device: (poolId: string, deviceId: string) => ({ pk: `POOL#${poolId}`, sk: `DEVICE#${deviceId}` }),
  binding: (poolId: string, deviceId: string, clientAppId: string) => ({
    pk: `POOL#${poolId}`,
    sk: `BINDING#${deviceId}#${clientAppId}`,
  }),
  bindingPrefix: (deviceId: string) => `BINDING#${deviceId}#`,
  revoked: (poolId: string, fingerprint: string) => ({ pk: `POOL#${poolId}`, sk: `REVOKED#${fingerprint}` }),
  revokedPrefix: 'REVOKED#',
  revokedSerial: (poolId: string, issuerSerialId: string) => ({ pk: `POOL#${poolId}`, sk: `REVOKEDSERIAL#${issuerSerialId}` }),
  revokedKey: (poolId: string, keyId: string) => ({ pk: `POOL#${poolId}`, sk: `REVOKEDKEY#${keyId}` }),
  crlScope: (poolId: string, scopeId: string) => ({ pk: `POOL#${poolId}`, sk: `CRLSCOPE#${scopeId}` }),
  crlScopePrefix: 'CRLSCOPE#',
  crlScopeEntries: (poolId: string, scopeId: string, crlId: string, bucket: number) => ({
    pk: `POOL#${poolId}`,
    sk: `CRLSCOPEENTRIES#${scopeId}#${crlId}#${bucket}`,
  }),
  crlScopeEntriesPrefix: (scopeId: string) => `CRLSCOPEENTRIES#${scopeId}#`,
  /** Legacy: CRLs stored before scopes existed (read and removed, never written). */
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
  jti: (poolId: string, deviceId: string, jti: string) => ({ pk: `JTI#${poolId}#${replayHash(deviceId, jti)}`, sk: 'JTI' }),
  /** Records written before generations existed have none: they share `GEN#-`. */
  provisioning: (poolId: string, deviceId: string, generation: string | undefined) => ({
    pk: `PROV#${poolId}#${deviceId}`,
    sk: `GEN#${generation ?? '-'}`,
  }),
  provisioningPartition: (poolId: string, deviceId: string) => `PROV#${poolId}#${deviceId}`,
  poolPartition: (poolId: string) => `POOL#${poolId}`,
};

/** The two table names; the runtime table holds only what the token function writes (see above). */
export interface Tables {
  config: string;
  runtime: string;
}

/**
 * docs/contract.md §4.2: a jti is single-use per device (pool, `sub`). The hash is over
 * the exact JSON form of [deviceId, jti]: JSON.stringify escapes lone
 * surrogates instead of replacing them, so distinct strings never share an
 * encoding (UTF-8 alone would map every lone surrogate to U+FFFD), and the
 * array framing keeps ("a", "b#c") apart from ("a#b", "c").
 */
export function replayHash(deviceId: string, jti: string): string {
  return createHash('sha256')
    .update(JSON.stringify([deviceId, jti]), 'utf8')
    .digest('hex');
}

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
  return reasons?.some((code) => code === 'TransactionConflict') === true && !reasons.includes('ConditionalCheckFailed');
}

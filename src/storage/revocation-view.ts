import type { CrlEntry, CrlStatus, RevocationIdentity, RevocationView } from '../domain/revocation';
import { DependencyError } from '../errors';
import { batchGetKeys, type TableKey } from './batch-operations';
import { type BucketEntry, decodeBucket } from './crl-buckets';
import { type CrlPointer, legacyCrlOf, scopeCrlsOf } from './crl-items';
import type { DocumentClient } from './document-client';
import { keys } from './keys';

/** What the storage reads for one certificate (RevocationIdentity: scope, legacy issuer keys, serial, fingerprint, identities). */
export type RevocationViewSubject = RevocationIdentity;

/** A bucket can only be missing when a concurrent upload or delete unreferenced it; reading again sees the new state. */
const READ_ATTEMPTS = 3;
/**
 * Certificates one view may need: the path's, and those of the CRL signers'
 * paths. A few in practice (a signer is usually on the path itself); past
 * this the read fails closed rather than leave a signer unchecked.
 */
const MAX_VIEW_SUBJECTS = 64;

/**
 * The token path's read of a pool's revocation state for the certificates of
 * one validated path, when the decision's own read did not cover it
 * (dynamo-token-decision-reader.ts): strongly consistent BatchGetItems of
 * the items revocationReadKeys names, repeated while the CRLs found bring
 * signers not read yet, then one of the buckets, projected to the serials
 * asked about. Each item is within 4 KB (crl-buckets.ts). The view is plain
 * data.
 *
 * A bucket missing for a CRL just read means that CRL was replaced or
 * deleted in between (buckets are deleted only after their metadata is gone,
 * dynamo-revocation-repository.ts); such a change also moved the trustEpoch,
 * but rather than answer from a half-read state the whole read is taken
 * again, and if it never settles the request fails closed (503).
 */
export async function buildRevocationView(
  client: DocumentClient,
  tableName: string,
  poolId: string,
  subjects: readonly RevocationViewSubject[],
): Promise<RevocationView> {
  for (let attempt = 1; ; attempt++) {
    const view = await readOnce(client, tableName, poolId, subjects);
    if (view) return view;
    if (attempt === READ_ATTEMPTS) throw new DependencyError('dynamodb', new Error('CRL buckets kept changing while being read'));
  }
}

async function readOnce(
  client: DocumentClient,
  tableName: string,
  poolId: string,
  subjects: readonly RevocationViewSubject[],
): Promise<RevocationView | undefined> {
  const items = new Map<string, Record<string, unknown>>();
  const requested = new Set<string>();
  // Each round reads the items of the signers the previous round's CRLs named: the closure is finite (MAX_VIEW_SUBJECTS).
  for (;;) {
    const wanted = closureOf(poolId, subjects, items)
      .flatMap((s) => itemKeysOf(poolId, s))
      .filter((key) => !requested.has(key.sk));
    if (wanted.length === 0) break;
    for (const key of wanted) requested.add(key.sk);
    for (const [sk, item] of await batchGetKeys(client, tableName, wanted)) items.set(sk, item);
  }
  const closure = closureOf(poolId, subjects, items);
  const buckets = closure.flatMap((s) => bucketKeysOf(poolId, s, items));
  if (buckets.length > 0) {
    const serials = [...new Set(closure.map((s) => s.serialNumberHex))];
    const names: Record<string, string> = { '#sk': 'sk', '#e': 'entries' };
    const paths = serials.map((serial, index) => {
      names[`#s${index}`] = serial;
      return `#e.#s${index}`;
    });
    for (const [sk, item] of await batchGetKeys(client, tableName, buckets, { expression: ['#sk', ...paths].join(', '), names })) items.set(sk, item);
  }
  return viewFromItems(poolId, subjects, items);
}

/**
 * Every key whose item the view of these certificates needs, given the
 * items read so far (by sort key): for each certificate of the closure
 * (closureOf) its `REVOKED#`, `REVOKEDSERIAL#`, `REVOKEDKEY#`, its scope's
 * `CRLSCOPE#` and the legacy `CRL#` items of its issuer's keys, and the
 * bucket holding its serial in each CRL among `items`. The view is
 * complete once every one of them was read (present or absent).
 */
export function revocationReadKeys(
  poolId: string,
  subjects: readonly RevocationViewSubject[],
  items: ReadonlyMap<string, Record<string, unknown>>,
): TableKey[] {
  return closureOf(poolId, subjects, items).flatMap((s) => [...itemKeysOf(poolId, s), ...bucketKeysOf(poolId, s, items)]);
}

/**
 * The view of these certificates and of the CRL signers' paths their CRLs
 * bring, from the items read (by sort key: every key revocationReadKeys
 * names); undefined when a bucket one of them calls for is missing (its
 * CRL was replaced or deleted meanwhile: read again).
 */
export function viewFromItems(
  poolId: string,
  subjects: readonly RevocationViewSubject[],
  items: ReadonlyMap<string, Record<string, unknown>>,
): RevocationView | undefined {
  const closure = closureOf(poolId, subjects, items);
  // An identity item counts while it names a revocation (one without any is a leftover, never a revocation).
  const named = (sk: string) => {
    const ids = items.get(sk)?.revocationIds;
    return ids instanceof Set && ids.size > 0;
  };
  const revokedFingerprints = new Set(closure.map((s) => s.fingerprint).filter((fp) => items.has(keys.revoked(poolId, fp).sk)));
  const revokedIssuerSerials = new Set(closure.map((s) => s.issuerSerialId).filter((id) => named(keys.revokedSerial(poolId, id).sk)));
  const revokedKeys = new Set(closure.map((s) => s.keyId).filter((id) => named(keys.revokedKey(poolId, id).sk)));

  // Per CRL (CrlPointer.ref), the entries of the serials asked about.
  const found = new Map<string, Map<string, CrlEntry>>();
  const scopes = new Map<string, CrlPointer[]>();
  const legacy = new Map<string, CrlPointer>();
  for (const s of closure) {
    const crls = crlsOf(poolId, s, items);
    scopes.set(s.scopeId, crls.scoped);
    for (const [issuerId, crl] of crls.legacy) legacy.set(issuerId, crl);
    for (const crl of [...crls.scoped, ...crls.legacy.values()]) {
      const bucket = items.get(crl.bucketKey(poolId, s.serialNumberHex).sk);
      if (!bucket) return undefined;
      const entries = found.get(crl.ref) ?? new Map<string, CrlEntry>();
      const stored = (bucket.entries as Record<string, BucketEntry> | undefined)?.[s.serialNumberHex];
      if (stored !== undefined && Object.hasOwn(bucket.entries as object, s.serialNumberHex))
        entries.set(s.serialNumberHex, decodeBucket(s.serialNumberHex, stored));
      found.set(crl.ref, entries);
    }
  }
  const statusOf = (crl: CrlPointer): CrlStatus => {
    const entries = found.get(crl.ref) ?? new Map<string, CrlEntry>();
    return {
      thisUpdate: new Date(crl.thisUpdate),
      nextUpdate: new Date(crl.nextUpdate),
      issuerDn: crl.issuer,
      signerPath: crl.signerPath,
      entry: (serialNumberHex: string) => entries.get(serialNumberHex.toLowerCase()),
    };
  };
  const scopeStatuses = new Map([...scopes].map(([scopeId, crls]) => [scopeId, crls.map(statusOf)]));
  const legacyStatuses = new Map([...legacy].map(([issuerId, crl]) => [issuerId, statusOf(crl)]));
  return {
    revokedFingerprints,
    revokedIssuerSerials,
    revokedKeys,
    crls: (scopeId) => scopeStatuses.get(scopeId) ?? [],
    legacyCrl: (issuerId) => legacyStatuses.get(issuerId),
  };
}

/**
 * The certificates whose state the view needs: those given, then the
 * certificates of the signer's path of every CRL found for one of them
 * among `items`, until none is new (each set of identities once).
 * Lowercased. Past MAX_VIEW_SUBJECTS it fails closed.
 */
function closureOf(poolId: string, subjects: readonly RevocationViewSubject[], items: ReadonlyMap<string, Record<string, unknown>>): RevocationViewSubject[] {
  const closure = new Map<string, RevocationViewSubject>();
  const pending = subjects.map(normalise);
  while (pending.length > 0) {
    const subject = pending.shift() as RevocationViewSubject;
    // Every identity, not only the certificate's: the view answers for exactly the identities asked about.
    const key = JSON.stringify(subject);
    if (closure.has(key)) continue;
    if (closure.size === MAX_VIEW_SUBJECTS)
      throw new DependencyError('dynamodb', new Error(`the CRL signers of this path name more than ${MAX_VIEW_SUBJECTS} certificates`));
    closure.set(key, subject);
    for (const crl of crlsOf(poolId, subject, items).scoped) pending.push(...crl.signerPath.map(normalise));
  }
  return [...closure.values()];
}

function normalise(s: RevocationViewSubject): RevocationViewSubject {
  return {
    scopeId: s.scopeId.toLowerCase(),
    legacyIssuerIds: s.legacyIssuerIds.map((id) => id.toLowerCase()),
    serialNumberHex: s.serialNumberHex.toLowerCase(),
    fingerprint: s.fingerprint.toLowerCase(),
    issuerSerialId: s.issuerSerialId.toLowerCase(),
    keyId: s.keyId.toLowerCase(),
  };
}

/** The items of one certificate, buckets aside. */
function itemKeysOf(poolId: string, s: RevocationViewSubject): TableKey[] {
  return [
    keys.revoked(poolId, s.fingerprint),
    keys.revokedSerial(poolId, s.issuerSerialId),
    keys.revokedKey(poolId, s.keyId),
    keys.crlScope(poolId, s.scopeId),
    ...s.legacyIssuerIds.map((issuerId) => keys.crl(poolId, issuerId)),
  ];
}

/** The bucket of its serial in each CRL of its issuer among `items`. */
function bucketKeysOf(poolId: string, s: RevocationViewSubject, items: ReadonlyMap<string, Record<string, unknown>>): TableKey[] {
  const crls = crlsOf(poolId, s, items);
  return [...crls.scoped, ...crls.legacy.values()].map((crl) => crl.bucketKey(poolId, s.serialNumberHex));
}

/** The CRLs of a certificate's issuer among `items`: its scope's, and those stored before scopes of its issuer's keys. */
function crlsOf(
  poolId: string,
  s: RevocationViewSubject,
  items: ReadonlyMap<string, Record<string, unknown>>,
): { scoped: CrlPointer[]; legacy: Map<string, CrlPointer> } {
  const scoped = scopeCrlsOf(s.scopeId, items.get(keys.crlScope(poolId, s.scopeId).sk));
  const legacy = new Map<string, CrlPointer>();
  for (const issuerId of s.legacyIssuerIds) {
    const crl = legacyCrlOf(issuerId, items.get(keys.crl(poolId, issuerId).sk));
    if (crl !== undefined) legacy.set(issuerId, crl);
  }
  return { scoped, legacy };
}

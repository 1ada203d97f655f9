import type { StoredCrl } from '../domain/model';
import type { RevocationSubject } from '../domain/revocation';
import type { TableKey } from './batch-operations';
import { bucketOf } from './crl-buckets';
import { keys } from './keys';

/**
 * The items that hold a pool's current CRLs (layout in keys.ts):
 *
 * - `CRLSCOPE#{scopeId}`: the CRLs of one scope (crlScopeId: trust anchor +
 *   issuer name), one attribute `crl_{signerId}` per signing key, each a map
 *   of that key's current CRL: the listing fields, `crlId` and `bucketCount`
 *   (its buckets `CRLSCOPEENTRIES#{scopeId}#{crlId}#{bucket}`),
 *   `crlNumberKey`, and `signerPath` (the revocation identities of its
 *   signer's validated path but the anchor). One item per scope, so the
 *   token path reads every CRL of an issuer with one key, and an upload
 *   replaces its own key's CRL with one conditional update.
 * - `CRL#{issuerId}`: a CRL stored before scopes existed, keyed by its
 *   signer's crlIssuerId (name and key), buckets `CRLENTRIES#{issuerId}#…`;
 *   read by the keys of the path's CAs, and removed by the next upload of
 *   that signer (dynamo-revocation-repository.ts).
 */

/** The attribute of a scope item that holds the CRL of one signing key. */
export const crlAttribute = (signerId: string) => `crl_${signerId}`;
const CRL_ATTRIBUTE_PREFIX = 'crl_';

/** One current CRL as its item holds it: what the token path reads, and where its buckets are. */
export interface CrlPointer extends StoredCrl {
  /** Names this CRL among the pool's: its item's sort key (and signer) and crlId. */
  readonly ref: string;
  /** Per upload: its buckets' key part. */
  readonly crlId: string;
  readonly bucketCount: number;
  readonly crlNumberKey?: string;
  /** Empty for a root's own CRL and for a CRL stored before scopes existed. */
  readonly signerPath: readonly RevocationSubject[];
  /** The bucket item holding `serialNumberHex`. */
  bucketKey(poolId: string, serialNumberHex: string): TableKey;
  /** Every bucket item of this CRL. */
  allBucketKeys(poolId: string): TableKey[];
}

/** The CRLs a `CRLSCOPE#` item holds, one per signing key (an attribute without a crlId is not one). */
export function scopeCrlsOf(scopeId: string, item: Record<string, unknown> | undefined): CrlPointer[] {
  if (item === undefined) return [];
  return Object.entries(item).flatMap(([name, value]) => {
    if (!name.startsWith(CRL_ATTRIBUTE_PREFIX) || typeof value !== 'object' || value === null) return [];
    const fields = value as Record<string, unknown>;
    if (typeof fields.crlId !== 'string') return [];
    const owner = `${keys.crlScopePrefix}${scopeId}#${name}`;
    return [pointer(owner, fields, (poolId, crlId, bucket) => keys.crlScopeEntries(poolId, scopeId, crlId, bucket), signerPathOf(fields.signerPath))];
  });
}

/** The CRL of one signing key in a `CRLSCOPE#` item, if it holds one. */
export function scopeCrlOfSigner(scopeId: string, item: Record<string, unknown> | undefined, signerId: string): CrlPointer | undefined {
  const name = crlAttribute(signerId);
  return item === undefined || !(name in item) ? undefined : scopeCrlsOf(scopeId, { [name]: item[name] })[0];
}

/** The CRL a `CRL#{issuerId}` item (stored before scopes existed) holds. */
export function legacyCrlOf(issuerId: string, item: Record<string, unknown> | undefined): CrlPointer | undefined {
  if (item === undefined || typeof item.crlId !== 'string') return undefined;
  return pointer(`${keys.crlPrefix}${issuerId}`, item, (poolId, crlId, bucket) => keys.crlEntries(poolId, issuerId, crlId, bucket), []);
}

/** The map stored under crlAttribute(signerId) of a scope item. */
export function crlEntryAttribute(
  crl: StoredCrl,
  extra: { crlId: string; bucketCount: number; crlNumberKey?: string; signerId: string; signerPath: readonly RevocationSubject[] },
): Record<string, unknown> {
  return {
    ...crl,
    crlId: extra.crlId,
    bucketCount: extra.bucketCount,
    ...(extra.crlNumberKey === undefined ? {} : { crlNumberKey: extra.crlNumberKey }),
    signerId: extra.signerId,
    signerPath: extra.signerPath.map((s) => ({
      scopeId: s.scopeId,
      legacyIssuerIds: [...s.legacyIssuerIds],
      serialNumberHex: s.serialNumberHex,
      fingerprint: s.fingerprint,
      issuerSerialId: s.issuerSerialId,
      keyId: s.keyId,
      subjectDn: s.subjectDn,
      issuerDn: s.issuerDn,
      delegatesRevocation: s.delegatesRevocation,
    })),
  };
}

/** The listing fields (GET .../crls) of a CRL item or entry. */
export function toStoredCrl(fields: Record<string, unknown>): StoredCrl {
  const crl: StoredCrl = {
    id: String(fields.id),
    issuer: String(fields.issuer),
    thisUpdate: String(fields.thisUpdate),
    nextUpdate: String(fields.nextUpdate),
    revokedCount: Number(fields.revokedCount),
    sha256: String(fields.sha256),
    uploadedAt: String(fields.uploadedAt),
  };
  if (typeof fields.crlNumber === 'string') crl.crlNumber = fields.crlNumber;
  return crl;
}

function pointer(
  owner: string,
  fields: Record<string, unknown>,
  bucket: (poolId: string, crlId: string, bucket: number) => TableKey,
  signerPath: RevocationSubject[],
): CrlPointer {
  const crlId = String(fields.crlId);
  const bucketCount = Number(fields.bucketCount);
  return {
    ...toStoredCrl(fields),
    ref: `${owner}#${crlId}`,
    crlId,
    bucketCount,
    ...(typeof fields.crlNumberKey === 'string' ? { crlNumberKey: fields.crlNumberKey } : {}),
    signerPath,
    bucketKey: (poolId, serialNumberHex) => bucket(poolId, crlId, bucketOf(serialNumberHex.toLowerCase(), bucketCount)),
    allBucketKeys: (poolId) => Array.from({ length: bucketCount }, (_, index) => bucket(poolId, crlId, index)),
  };
}

/**
 * The stored signer path. Written only by putCrl; a malformed one is an
 * error rather than an empty path, which would let the CRL vouch unchecked.
 */
function signerPathOf(value: unknown): RevocationSubject[] {
  if (!Array.isArray(value)) throw new TypeError('a stored CRL has no signerPath list');
  return value.map((raw) => {
    const s = raw as Record<string, unknown>;
    const text = (name: string) => {
      if (typeof s[name] !== 'string') throw new TypeError(`a stored CRL signer lacks ${name}`);
      return s[name] as string;
    };
    const legacy = s.legacyIssuerIds;
    if (!Array.isArray(legacy) || !legacy.every((id) => typeof id === 'string')) throw new TypeError('a stored CRL signer lacks legacyIssuerIds');
    return {
      scopeId: text('scopeId'),
      legacyIssuerIds: legacy as string[],
      serialNumberHex: text('serialNumberHex'),
      fingerprint: text('fingerprint'),
      issuerSerialId: text('issuerSerialId'),
      keyId: text('keyId'),
      subjectDn: text('subjectDn'),
      issuerDn: text('issuerDn'),
      delegatesRevocation: s.delegatesRevocation === true,
    };
  });
}

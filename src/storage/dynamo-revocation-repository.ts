import type { CertificateRevocation, StoredCrl } from '../domain/model';
import { type CrlEntry, fingerprintIdentities, matchesOf, type RevocationIdentities, type RevocationView } from '../domain/revocation';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { callDependency, DependencyError } from '../errors';
import type { RevocationRepository, ScopedCrl } from '../usecases/ports';
import { batchGetKeys, type TableKey } from './batch-operations';
import type { DocumentClient } from './document-client';
import { DynamoCrlStore } from './dynamo-crl-store';
import { keys } from './keys';
import { buildRevocationView, type RevocationViewSubject } from './revocation-view';
import { queryPoolPrefix } from './table-operations';
import { type TransactItems, tryTrustChange } from './trust-change';
import { settleTrustChange } from './trust-decision-window';

/** A revocation's identities changed under deleteRevocation: read it again. */
const DELETE_ATTEMPTS = 5;

/**
 * docs/contract.md §3.4 revocation state of a pool (layout in keys.ts). Every write that
 * takes trust away commits together with the pool's trustEpoch.
 *
 * An operator revocation is its record `REVOKED#{fingerprint}` and, when it
 * was given as a PEM, one item per further identity it matches
 * (revocation-identity.ts): `REVOKEDSERIAL#{issuerSerialId}` and, for a CA,
 * `REVOKEDKEY#{crlIssuerId}`. An identity item holds the set of the ids of
 * the revocations that match it (`revocationIds`), since two revocations may
 * share one (two encodings of a certificate, a CA and its renewal); each
 * record names its identity items (`issuerSerialId`, `keyId`). The record and
 * its identities are written, extended and removed in one transaction
 * conditioned on the record, so an identity item names exactly the records
 * that exist and name it, and a lifted revocation leaves nothing behind.
 *
 * CRLs are kept by DynamoCrlStore (dynamo-crl-store.ts): per CRL scope (an
 * issuer name under one trust anchor) the current CRL of each signing key.
 */
export class DynamoRevocationRepository implements RevocationRepository {
  private readonly crls: DynamoCrlStore;

  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly window: TrustDecisionWindow,
    clock: () => number = Date.now,
  ) {
    this.crls = new DynamoCrlStore(client, tableName, window, clock);
  }

  async settleTrustChange(): Promise<void> {
    await settleTrustChange(this.window);
  }

  async putRevocation(
    poolId: string,
    revocation: Omit<CertificateRevocation, 'matches'>,
    identities: RevocationIdentities = fingerprintIdentities(revocation.fingerprint),
  ): Promise<boolean> {
    // `matches` is not stored: it is derived from the identities the record names (toRevocation).
    const { matches: _derived, ...fields } = revocation as Partial<CertificateRevocation>;
    const item = { ...keys.revoked(poolId, revocation.id), type: 'revocation', ...fields, ...identityAttributes(identities) };
    return this.trustChange(poolId, [
      { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.identityKeys(poolId, identities).map((key) => this.addIdentity(key, revocation.id)),
    ]);
  }

  async extendRevocation(
    poolId: string,
    id: string,
    details: Pick<CertificateRevocation, 'subject' | 'issuer' | 'serialNumber'>,
    identities: RevocationIdentities,
  ): Promise<CertificateRevocation | undefined> {
    const added = this.identityKeys(poolId, identities);
    if (added.length === 0) return undefined;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const [index, [name, value]] of Object.entries({ ...definedOnly(details), ...identityAttributes(identities) }).entries()) {
      names[`#a${index}`] = name;
      values[`:a${index}`] = value;
      sets.push(`#a${index} = :a${index}`);
    }
    const extended = await this.trustChange(poolId, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.revoked(poolId, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(issuerSerialId) AND attribute_not_exists(keyId)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...added.map((key) => this.addIdentity(key, id)),
    ]);
    return extended ? this.getRevocation(poolId, id) : undefined;
  }

  async getRevocation(poolId: string, id: string): Promise<CertificateRevocation | undefined> {
    const item = await this.get(keys.revoked(poolId, id));
    return item ? toRevocation(item) : undefined;
  }

  async listRevocations(poolId: string): Promise<CertificateRevocation[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.revokedPrefix)).map(toRevocation);
  }

  /**
   * Lifting a revocation gives trust back; it moves the epoch all the same, so
   * every write of this state has one rule. The record goes on the condition
   * that it still names the identities read, and each identity item loses
   * this id (or goes, when it was the only one) on the condition that it
   * still holds what was read; a concurrent change makes it read again.
   */
  async deleteRevocation(poolId: string, id: string): Promise<boolean> {
    for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
      const current = await this.get(keys.revoked(poolId, id));
      if (!current) return false;
      const identityKeys = this.identityKeys(poolId, identitiesOfItem(current));
      const held = identityKeys.length === 0 ? new Map<string, Record<string, unknown>>() : await batchGetKeys(this.client, this.tableName, identityKeys);
      const values: Record<string, unknown> = {};
      const conditions = ['attribute_exists(pk)'];
      for (const name of ['issuerSerialId', 'keyId'] as const) {
        if (typeof current[name] === 'string') {
          conditions.push(`${name} = :${name}`);
          values[`:${name}`] = current[name];
        } else {
          conditions.push(`attribute_not_exists(${name})`);
        }
      }
      const deleted = await this.trustChange(poolId, [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.revoked(poolId, id),
            ConditionExpression: conditions.join(' AND '),
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          },
        },
        ...identityKeys.flatMap((key) => this.removeIdentity(key, held.get(key.sk), id)),
      ]);
      if (deleted) return true;
    }
    throw new DependencyError('dynamodb', new Error(`the revocation ${id} kept changing under deleteRevocation`));
  }

  putCrl(poolId: string, crl: ScopedCrl, entries: readonly CrlEntry[]): Promise<'stored' | 'not_newer'> {
    return this.crls.put(poolId, crl, entries);
  }

  listCrls(poolId: string): Promise<StoredCrl[]> {
    return this.crls.list(poolId);
  }

  deleteCrl(poolId: string, id: string): Promise<boolean> {
    return this.crls.delete(poolId, id);
  }

  async revocationView(poolId: string, subjects: readonly RevocationViewSubject[]): Promise<RevocationView> {
    return buildRevocationView(this.client, this.tableName, poolId, subjects);
  }

  /** The change plus the trustEpoch increment; false when a condition of the change itself failed (nothing written). */
  private async trustChange(poolId: string, change: TransactItems): Promise<boolean> {
    return (await tryTrustChange(this.client, this.tableName, poolId, change, this.window)).committed;
  }

  /** The identity items of a revocation, besides its record. */
  private identityKeys(poolId: string, identities: RevocationIdentities): TableKey[] {
    return [
      ...(identities.issuerAndSerial === undefined ? [] : [keys.revokedSerial(poolId, identities.issuerAndSerial)]),
      ...(identities.subjectAndKey === undefined ? [] : [keys.revokedKey(poolId, identities.subjectAndKey)]),
    ];
  }

  private addIdentity(key: TableKey, id: string): TransactItems[number] {
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD revocationIds :ids SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':ids': new Set([id]), ':type': 'revocationIdentity' },
      },
    };
  }

  /** Takes `id` out of an identity item as read: the item goes with its last id. Nothing when the item does not hold it. */
  private removeIdentity(key: TableKey, item: Record<string, unknown> | undefined, id: string): TransactItems {
    const ids = item?.revocationIds;
    if (!(ids instanceof Set) || !ids.has(id)) return [];
    const values = { ':id': id, ':one': 1 };
    if (ids.size === 1) {
      return [
        {
          Delete: {
            TableName: this.tableName,
            Key: key,
            ConditionExpression: 'size(revocationIds) = :one AND contains(revocationIds, :id)',
            ExpressionAttributeValues: values,
          },
        },
      ];
    }
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'DELETE revocationIds :ids',
          ConditionExpression: 'size(revocationIds) > :one AND contains(revocationIds, :id)',
          ExpressionAttributeValues: { ...values, ':ids': new Set([id]) },
        },
      },
    ];
  }

  private async get(key: TableKey): Promise<Record<string, unknown> | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return result.Item;
  }
}

/** What the record names besides its fingerprint. */
function identityAttributes(identities: RevocationIdentities): Record<string, string> {
  return {
    ...(identities.issuerAndSerial === undefined ? {} : { issuerSerialId: identities.issuerAndSerial }),
    ...(identities.subjectAndKey === undefined ? {} : { keyId: identities.subjectAndKey }),
  };
}

function identitiesOfItem(item: Record<string, unknown>): RevocationIdentities {
  return {
    fingerprint: String(item.fingerprint),
    ...(typeof item.issuerSerialId === 'string' ? { issuerAndSerial: item.issuerSerialId } : {}),
    ...(typeof item.keyId === 'string' ? { subjectAndKey: item.keyId } : {}),
  };
}

function definedOnly<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function toRevocation(item: Record<string, unknown>): CertificateRevocation {
  const revocation: CertificateRevocation = {
    id: String(item.id),
    fingerprint: String(item.fingerprint),
    reason: String(item.reason),
    revokedAt: String(item.revokedAt),
    // Records stored before identities existed name none: they match their fingerprint only.
    matches: matchesOf(identitiesOfItem(item)),
  };
  for (const name of ['subject', 'issuer', 'serialNumber'] as const) {
    if (typeof item[name] === 'string') revocation[name] = item[name];
  }
  return revocation;
}

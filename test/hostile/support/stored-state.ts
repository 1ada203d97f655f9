import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { testDocumentClient, testS3Client } from '../../support/emulators';
import type { TestIdp } from '../../support/test-idp';

/**
 * What the IDP actually wrote, read straight from DynamoDB Local and s3rver
 * (not through the API under test), so "nothing was stored" is checked
 * against the storage itself.
 */
export interface StoredItem {
  pk: string;
  sk: string;
  [attribute: string]: unknown;
}

export async function scanTable(idp: Pick<TestIdp, 'tableName'>): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await testDocumentClient().send(new ScanCommand({ TableName: idp.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...((page.Items ?? []) as StoredItem[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Items of one pool's partition whose sort key starts with `prefix` (DEVICE#, ROOT#, BINDING#). */
export async function poolItems(idp: Pick<TestIdp, 'tableName'>, clientPoolId: string, prefix: string): Promise<StoredItem[]> {
  return (await scanTable(idp)).filter((item) => item.pk === `POOL#${clientPoolId}` && item.sk.startsWith(prefix));
}

/**
 * The DEVICE# item as stored (strongly consistent read), with the
 * provisioning state of its generation from the runtime table merged in, or
 * undefined.
 */
export async function deviceItem(
  idp: Pick<TestIdp, 'tableName' | 'runtimeTableName'>,
  clientPoolId: string,
  deviceId: string,
): Promise<StoredItem | undefined> {
  const key = { pk: `POOL#${clientPoolId}`, sk: `DEVICE#${deviceId}` };
  const item = (await testDocumentClient().send(new GetCommand({ TableName: idp.tableName, Key: key, ConsistentRead: true }))).Item as StoredItem | undefined;
  if (!item) return undefined;
  const stateKey = { pk: `PROV#${clientPoolId}#${deviceId}`, sk: `GEN#${typeof item.generation === 'string' ? item.generation : '-'}` };
  const state = (await testDocumentClient().send(new GetCommand({ TableName: idp.runtimeTableName, Key: stateKey, ConsistentRead: true }))).Item;
  const { pk: _pk, sk: _sk, type: _type, ...provisioning } = state ?? {};
  return { ...item, ...provisioning };
}

/** Attributes recordProvisioning writes; none may exist on a device that never got a token. */
const PROVISIONING_ATTRIBUTES = ['firstSeen', 'lastSeen', 'certThumbprint', 'certSerial', 'certIssuer', 'certNotAfter', 'businessUnit'] as const;

export function provisioningOf(item: StoredItem | undefined): Record<string, unknown> {
  return Object.fromEntries(PROVISIONING_ATTRIBUTES.filter((name) => item?.[name] !== undefined).map((name) => [name, item?.[name]]));
}

/** Replay-cache entries of one pool in the runtime table (partition JTI#{poolId}#{replayHash(deviceId, jti)}). */
export async function jtiItems(idp: Pick<TestIdp, 'runtimeTableName'>, clientPoolId: string): Promise<StoredItem[]> {
  return (await scanTable({ tableName: idp.runtimeTableName })).filter((item) => item.pk.startsWith(`JTI#${clientPoolId}#`));
}

export async function bucketKeys(idp: Pick<TestIdp, 'bucketName'>, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await testS3Client().send(new ListObjectsV2Command({ Bucket: idp.bucketName, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callDependency } from '../errors';
import { isConditionalCheckFailure, keys } from './keys';

/** Every item of a pool's partition whose sort key starts with `prefix`, all pages, strongly consistent. */
export async function queryPoolPrefix(
  client: DynamoDBDocumentClient,
  tableName: string,
  poolId: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await callDependency('dynamodb', () =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.poolPartition(poolId), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** SET clauses that create a device record's identity on first write and leave it alone afterwards. */
export const DEVICE_IDENTITY_SET =
  '#type = :type, deviceId = :deviceId, orgId = :orgId, envId = :envId, createdAt = if_not_exists(createdAt, :now), preRegistered = if_not_exists(preRegistered, :false)';

export function deviceIdentityValues(device: { deviceId: string; orgId: string; envId: string }, now: string) {
  return { ':type': 'device', ':deviceId': device.deviceId, ':orgId': device.orgId, ':envId': device.envId, ':now': now, ':false': false };
}

/** Writes the item unless one with its key exists; false when it did (the create-or-409 and idempotent-upload cases). */
export async function putIfAbsent(client: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>): Promise<boolean> {
  return callDependency('dynamodb', async () => {
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  });
}

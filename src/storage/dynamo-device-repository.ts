import { randomUUID } from 'node:crypto';
import type { Binding, Device, DeviceStatus } from '../domain/model';
import { callDependency, DependencyError } from '../errors';
import { logger } from '../observability';
import type { DeviceChanges, DevicePageRequest, DeviceRepository } from '../usecases/ports';
import { generationCondition } from './device-generation';
import { toBinding, toDevice, withProvisioning } from './device-items';
import type { DocumentClient } from './document-client';
import { cancellationReasons, isConditionalCheckFailure, keys, type Tables } from './keys';
import { putIfAbsent, queryPoolPrefix, transactWrite } from './table-operations';

/** A binding write races at most a delete and a re-creation of its device; more rounds mean something else is wrong. */
const BINDING_ROUNDS = 4;
/**
 * Queries one inventory page may make, each reading at most `limit + 1`
 * records: a status filter that skips most of a large fleet costs a bounded
 * read per request (the caller follows `next`), never a scan to the end.
 */
export const INVENTORY_QUERY_ROUNDS = 5;

/**
 * Devices and their app bindings. The generation scheme that makes deletion
 * final whatever runs concurrently is argued in keys.ts.
 */
export class DynamoDeviceRepository implements DeviceRepository {
  private readonly tableName: string;

  constructor(
    private readonly client: DocumentClient,
    private readonly tables: Tables,
  ) {
    this.tableName = tables.config;
  }

  async createDevice(poolId: string, device: Device): Promise<boolean> {
    const item = { ...keys.device(poolId, device.deviceId), type: 'device', ...device, generation: device.generation ?? randomUUID(), revision: randomUUID() };
    return putIfAbsent(this.client, this.tableName, item);
  }

  /** The record with the provisioning state of its generation (runtime table; keys.ts). */
  async getDevice(poolId: string, deviceId: string): Promise<Device | undefined> {
    const [item, provisioning] = await Promise.all([this.getItem(keys.device(poolId, deviceId)), this.provisioningItems(poolId, deviceId)]);
    return item ? withProvisioning(item, provisioning) : undefined;
  }

  async updateDevice(poolId: string, deviceId: string, changes: DeviceChanges, updatedAt: string): Promise<Device | undefined> {
    const fields = Object.entries({ ...changes, updatedAt, revision: randomUUID() }).filter(([, value]) => value !== undefined);
    return callDependency('dynamodb', async () => {
      try {
        const result = await this.client.update({
          TableName: this.tableName,
          Key: keys.device(poolId, deviceId),
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
          ReturnValues: 'ALL_NEW',
        });
        return result.Attributes;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return undefined;
        throw error;
      }
    }).then(async (item) => (item ? withProvisioning(item, await this.provisioningItems(poolId, deviceId)) : undefined));
  }

  /**
   * The DeleteItem of the record is the linearisation point: from it on, no
   * binding of that generation is honoured (keys.ts). Sweeping the bindings
   * afterwards is housekeeping, conditioned on the generation so that a
   * re-registration racing the sweep keeps its new bindings.
   */
  async deleteDevice(poolId: string, deviceId: string): Promise<boolean> {
    const deleted = await callDependency('dynamodb', async () => {
      try {
        const result = await this.client.delete({
          TableName: this.tableName,
          Key: keys.device(poolId, deviceId),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        });
        return { generation: result.Attributes?.generation as string | undefined };
      } catch (error) {
        if (isConditionalCheckFailure(error)) return undefined;
        throw error;
      }
    });
    if (!deleted) return false;
    // Already final; a sweep that fails leaves dead bindings and state that nothing lists or honours.
    await Promise.all([
      this.sweepBindings(poolId, deviceId, deleted.generation),
      callDependency('dynamodb', () => this.client.delete({ TableName: this.tables.runtime, Key: keys.provisioning(poolId, deviceId, deleted.generation) })),
    ]).catch(() => logger.warn('could not sweep the bindings of a deleted device', { clientPoolId: poolId, deviceId }));
    return true;
  }

  /** Creates the device record if missing and writes the binding for the record's generation, atomically. */
  async putBinding(poolId: string, device: Device, binding: Binding): Promise<{ created: boolean; binding: Binding }> {
    for (let round = 1; ; round++) {
      const [record, existing] = await Promise.all([
        this.getItem(keys.device(poolId, device.deviceId)),
        this.getItem(keys.binding(poolId, device.deviceId, binding.clientAppId)),
      ]);
      const generation = record ? (record.generation as string | undefined) : randomUUID();
      const current = existing && existing.deviceGeneration === generation ? toBinding(existing) : undefined;
      const stored: Binding = { ...binding, createdAt: current?.createdAt ?? binding.createdAt, deviceGeneration: generation, revision: randomUUID() };
      const deviceItem = record
        ? { ConditionCheck: { TableName: this.tableName, Key: keys.device(poolId, device.deviceId), ...generationCondition(generation) } }
        : {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.device(poolId, device.deviceId), type: 'device', ...device, status: 'active', generation, revision: randomUUID() },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          };
      try {
        await callDependency('dynamodb', () =>
          transactWrite(this.client, [
            deviceItem,
            { Put: { TableName: this.tableName, Item: { ...keys.binding(poolId, device.deviceId, binding.clientAppId), type: 'binding', ...stored } } },
          ]),
        );
        return { created: current === undefined, binding: stored };
      } catch (error) {
        // The device was deleted or created meanwhile: decide again on what is there now.
        const cause = error instanceof DependencyError ? error.cause : error;
        if (cancellationReasons(cause)?.[0] !== 'ConditionalCheckFailed' || round === BINDING_ROUNDS) throw error;
      }
    }
  }

  async listBindings(poolId: string, deviceId: string): Promise<Binding[]> {
    const record = await this.getItem(keys.device(poolId, deviceId));
    if (!record) return [];
    const items = await queryPoolPrefix(this.client, this.tableName, poolId, keys.bindingPrefix(deviceId));
    return items.filter((item) => item.deviceGeneration === record.generation).map(toBinding);
  }

  /**
   * One Query of the pool's `DEVICE#` items (bindings, `BINDING#`, and every
   * other item type sort elsewhere), from `after` on, `limit + 1` records at
   * a time: the extra record tells whether another page follows. Records
   * older than `status` are active. The partition is always this pool's: the
   * caller's `after` only positions the read inside it.
   */
  async listDevices(poolId: string, { limit, after, status }: DevicePageRequest): Promise<{ devices: Device[]; next?: string }> {
    const prefix = keys.device(poolId, '').sk;
    const filter: Partial<ReturnType<typeof statusFilter>> = status === undefined ? {} : statusFilter(status);
    const devices: Device[] = [];
    let startKey: Record<string, unknown> | undefined = after === undefined ? undefined : keys.device(poolId, after);
    for (let round = 1; round <= INVENTORY_QUERY_ROUNDS; round++) {
      const page = await callDependency('dynamodb', () =>
        this.client.query({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...filter,
          ExpressionAttributeValues: { ':pk': keys.poolPartition(poolId), ':prefix': prefix, ...filter.ExpressionAttributeValues },
          ExclusiveStartKey: startKey,
          Limit: limit + 1,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        devices.push(toDevice(item));
        if (devices.length > limit) return { devices: devices.slice(0, limit), next: devices[limit - 1].deviceId };
      }
      if (!page.LastEvaluatedKey) return { devices };
      startKey = page.LastEvaluatedKey;
    }
    return { devices, next: String(startKey?.sk).slice(prefix.length) };
  }

  async deleteBinding(poolId: string, deviceId: string, clientAppId: string): Promise<boolean> {
    const record = await this.getItem(keys.device(poolId, deviceId));
    if (!record) return false;
    return callDependency('dynamodb', async () => {
      try {
        await this.client.delete({
          TableName: this.tableName,
          Key: keys.binding(poolId, deviceId, clientAppId),
          ...generationCondition(record.generation as string | undefined, 'deviceGeneration'),
        });
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    });
  }

  /**
   * Each dead binding is deleted on the condition that it still names the
   * deleted generation: a re-registration that rewrote the same key for its
   * new generation meanwhile keeps its binding.
   */
  private async sweepBindings(poolId: string, deviceId: string, generation: string | undefined): Promise<void> {
    const items = await queryPoolPrefix(this.client, this.tableName, poolId, keys.bindingPrefix(deviceId));
    const dead = items.filter((item) => item.deviceGeneration === generation);
    for (const item of dead) {
      await callDependency('dynamodb', async () => {
        try {
          await this.client.delete({
            TableName: this.tableName,
            Key: { pk: String(item.pk), sk: String(item.sk) },
            ...generationCondition(generation, 'deviceGeneration'),
          });
        } catch (error) {
          if (!isConditionalCheckFailure(error)) throw error;
        }
      });
    }
  }

  private async provisioningItems(poolId: string, deviceId: string): Promise<Record<string, unknown>[]> {
    const result = await callDependency('dynamodb', () =>
      this.client.query({
        TableName: this.tables.runtime,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.provisioningPartition(poolId, deviceId) },
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  }

  private async getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return result.Item;
  }
}

/** `status` is a DynamoDB reserved word; records written before it existed have none and are active (device-items.ts). */
function statusFilter(status: DeviceStatus) {
  return {
    FilterExpression: status === 'disabled' ? '#status = :disabled' : 'attribute_not_exists(#status) OR #status <> :disabled',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':disabled': 'disabled' satisfies DeviceStatus },
  };
}

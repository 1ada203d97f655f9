import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { DependencyError, DomainError, callDependency } from '../errors';
import type { Binding, Device, Provisioning } from '../domain/model';
import type { DeviceRepository } from '../usecases/ports';
import { isConditionalCheckFailure, keys } from './keys';
import { DEVICE_IDENTITY_SET, deviceIdentityValues, putIfAbsent, queryPoolPrefix } from './table-operations';

type DeviceIdentity = Pick<Device, 'deviceId' | 'orgId' | 'envId'>;

const BATCH_ATTEMPTS = 5;

export class DynamoDeviceRepository implements DeviceRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createDevice(poolId: string, device: Device): Promise<void> {
    if (!(await putIfAbsent(this.client, this.tableName, { ...keys.device(poolId, device.deviceId), type: 'device', ...device }))) {
      throw new DomainError('device_exists', `device ${device.deviceId} already exists`);
    }
  }


  async getDevice(poolId: string, deviceId: string): Promise<Device | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.device(poolId, deviceId), ConsistentRead: true })),
    );
    return result.Item ? toDevice(result.Item) : undefined;
  }

  /** Bindings go first and the device record last, so a failure never leaves bindings without their device. */
  async deleteDevice(poolId: string, deviceId: string): Promise<boolean> {
    const bindings = await this.listBindings(poolId, deviceId);
    for (let i = 0; i < bindings.length; i += 25) {
      const chunk = bindings.slice(i, i + 25);
      await this.batchDelete(chunk.map((b) => keys.binding(poolId, deviceId, b.clientAppId)));
    }
    return this.deleteIfExists(keys.device(poolId, deviceId));
  }

  /**
   * BatchWriteItem may succeed while leaving items unprocessed (throttling):
   * retry them, and fail the request rather than delete the device over
   * bindings that would resurface when it is bound again.
   */
  private async batchDelete(toDelete: Array<{ pk: string; sk: string }>): Promise<void> {
    let requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = toDelete.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) throw new DependencyError('dynamodb', new Error('bindings left unprocessed by BatchWriteItem'));
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await callDependency('dynamodb', () =>
        this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } })),
      );
      requests = result.UnprocessedItems?.[this.tableName] ?? [];
    }
  }

  /** Creates the device record if missing and writes the binding, atomically. */
  async putBinding(poolId: string, device: Device, binding: Binding): Promise<{ created: boolean; binding: Binding }> {
    const existing = await this.getBinding(poolId, device.deviceId, binding.clientAppId);
    const stored: Binding = { ...binding, createdAt: existing?.createdAt ?? binding.createdAt };
    await callDependency('dynamodb', () =>
      this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.device(poolId, device.deviceId),
                UpdateExpression: `SET ${DEVICE_IDENTITY_SET}`,
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: deviceIdentityValues(device, binding.updatedAt),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.binding(poolId, device.deviceId, binding.clientAppId), type: 'binding', ...stored },
              },
            },
          ],
        }),
      ),
    );
    return { created: existing === undefined, binding: stored };
  }

  async getBinding(poolId: string, deviceId: string, clientAppId: string): Promise<Binding | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: keys.binding(poolId, deviceId, clientAppId), ConsistentRead: true }),
      ),
    );
    return result.Item ? toBinding(result.Item) : undefined;
  }

  async listBindings(poolId: string, deviceId: string): Promise<Binding[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.bindingPrefix(deviceId))).map(toBinding);
  }

  async deleteBinding(poolId: string, deviceId: string, clientAppId: string): Promise<boolean> {
    return this.deleteIfExists(keys.binding(poolId, deviceId, clientAppId));
  }

  /**
   * One conditional update: the record appears or is refreshed whole. lastSeen
   * never moves backwards, so concurrent requests leave the newest view.
   */
  async recordProvisioning(poolId: string, device: DeviceIdentity, seen: Omit<Provisioning, 'firstSeen'>): Promise<void> {
    await callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.device(poolId, device.deviceId),
            UpdateExpression:
              `SET ${DEVICE_IDENTITY_SET}, firstSeen = if_not_exists(firstSeen, :now), lastSeen = :now, ` +
              'certThumbprint = :thumbprint, certSerial = :serial, certIssuer = :issuer, certNotAfter = :notAfter, businessUnit = :businessUnit',
            ConditionExpression: 'attribute_not_exists(lastSeen) OR lastSeen <= :now',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ...deviceIdentityValues(device, seen.lastSeen),
              ':thumbprint': seen.thumbprint,
              ':serial': seen.serial,
              ':issuer': seen.issuer,
              ':notAfter': seen.notAfter,
              ':businessUnit': seen.businessUnit ?? null,
            },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error; // a newer request already refreshed the record
      }
    });
  }

  private async deleteIfExists(key: { pk: string; sk: string }): Promise<boolean> {
    return callDependency('dynamodb', async () => {
      try {
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key, ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    });
  }
}

function toDevice(item: Record<string, unknown>): Device {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const device: Device = {
    deviceId: String(item.deviceId),
    orgId: String(item.orgId),
    envId: String(item.envId),
    name: text('name'),
    description: text('description'),
    metadata: item.metadata as Record<string, string> | undefined,
    tags: item.tags as Record<string, string> | undefined,
    preRegistered: item.preRegistered === true,
    createdAt: String(item.createdAt),
  };
  if (typeof item.lastSeen === 'string') {
    device.provisioning = {
      thumbprint: String(item.certThumbprint),
      serial: String(item.certSerial),
      issuer: String(item.certIssuer),
      notAfter: String(item.certNotAfter),
      businessUnit: text('businessUnit'),
      firstSeen: String(item.firstSeen),
      lastSeen: item.lastSeen,
    };
  }
  return device;
}

function toBinding(item: Record<string, unknown>): Binding {
  return {
    deviceId: String(item.deviceId),
    clientAppId: String(item.clientAppId),
    scopes: (item.scopes as string[]) ?? [],
    name: typeof item.name === 'string' ? item.name : undefined,
    description: typeof item.description === 'string' ? item.description : undefined,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

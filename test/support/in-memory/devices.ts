import { randomUUID } from 'node:crypto';
import type { Binding, Device, Provisioning } from '../../../src/domain/model';
import { INVENTORY_QUERY_ROUNDS } from '../../../src/storage/dynamo-device-repository';
import type { DeviceChanges, DevicePageRequest, DeviceRepository } from '../../../src/usecases/ports';
import { CallLog } from './call-log';

type DeviceMethod = keyof DeviceRepository;

/**
 * DeviceRepository in memory, with the generation scheme of
 * DynamoDeviceRepository (src/storage/keys.ts, dynamo-device-repository.ts):
 *
 * - a record gets a random `generation` at creation (never changed) and a
 *   fresh `revision` at every write; createDevice is false for a second one;
 * - a binding names the generation it was written for; one of another
 *   generation is dead (never listed, never deleted by deleteBinding) and a
 *   rewrite keeps the live one's `createdAt`; putBinding creates the record
 *   (active) when there is none;
 * - deleteDevice removes the record, its bindings and its provisioning state;
 * - provisioning state lives apart from the record, per generation (the
 *   runtime table): getDevice and updateDevice answer with it, listDevices
 *   never;
 * - listDevices reads the pool's records in device-id order (DynamoDB's byte
 *   order of `DEVICE#{id}`), `limit + 1` records per query before the status
 *   filter, at most INVENTORY_QUERY_ROUNDS queries, and answers `next` as the
 *   adapter does; `recordsRead` counts what those queries read.
 */
export class InMemoryDevices implements DeviceRepository {
  /** `${poolId}|${deviceId}` → record (without provisioning). */
  readonly records = new Map<string, Device>();
  /** `${poolId}|${deviceId}|${clientAppId}` → binding, live or dead. */
  readonly bindings = new Map<string, Binding>();
  /** `${poolId}|${deviceId}|${generation}` → provisioning state of that generation. */
  readonly provisioning = new Map<string, Provisioning>();
  readonly log = new CallLog<DeviceMethod>();
  recordsRead = 0;

  async createDevice(poolId: string, device: Device): Promise<boolean> {
    await this.log.enter('createDevice', poolId, structuredClone(device));
    if (this.records.has(deviceKey(poolId, device.deviceId))) return false;
    this.records.set(deviceKey(poolId, device.deviceId), { ...structuredClone(device), generation: device.generation ?? randomUUID(), revision: randomUUID() });
    return true;
  }

  async getDevice(poolId: string, deviceId: string): Promise<Device | undefined> {
    await this.log.enter('getDevice', poolId, deviceId);
    return this.withProvisioning(poolId, this.records.get(deviceKey(poolId, deviceId)));
  }

  async updateDevice(poolId: string, deviceId: string, changes: DeviceChanges, updatedAt: string): Promise<Device | undefined> {
    await this.log.enter('updateDevice', poolId, deviceId, structuredClone(changes), updatedAt);
    const record = this.records.get(deviceKey(poolId, deviceId));
    if (!record) return undefined;
    const defined = Object.fromEntries(Object.entries({ ...changes, updatedAt, revision: randomUUID() }).filter(([, value]) => value !== undefined));
    const updated = { ...record, ...structuredClone(defined) };
    this.records.set(deviceKey(poolId, deviceId), updated);
    return this.withProvisioning(poolId, updated);
  }

  async deleteDevice(poolId: string, deviceId: string): Promise<boolean> {
    await this.log.enter('deleteDevice', poolId, deviceId);
    const record = this.records.get(deviceKey(poolId, deviceId));
    if (!record) return false;
    this.records.delete(deviceKey(poolId, deviceId));
    for (const [key, binding] of this.bindings) {
      if (key.startsWith(`${poolId}|${deviceId}|`) && binding.deviceGeneration === record.generation) this.bindings.delete(key);
    }
    this.provisioning.delete(provisioningKey(poolId, deviceId, record.generation));
    return true;
  }

  async putBinding(poolId: string, device: Device, binding: Binding): Promise<{ created: boolean; binding: Binding }> {
    await this.log.enter('putBinding', poolId, structuredClone(device), structuredClone(binding));
    const record = this.records.get(deviceKey(poolId, device.deviceId));
    const generation = record ? record.generation : randomUUID();
    const existing = this.bindings.get(bindingKey(poolId, device.deviceId, binding.clientAppId));
    const current = existing && existing.deviceGeneration === generation ? existing : undefined;
    const stored: Binding = {
      ...structuredClone(binding),
      createdAt: current?.createdAt ?? binding.createdAt,
      deviceGeneration: generation,
      revision: randomUUID(),
    };
    if (!record) {
      this.records.set(deviceKey(poolId, device.deviceId), { ...structuredClone(device), status: 'active', generation, revision: randomUUID() });
    }
    this.bindings.set(bindingKey(poolId, device.deviceId, binding.clientAppId), stored);
    return { created: current === undefined, binding: structuredClone(stored) };
  }

  async listBindings(poolId: string, deviceId: string): Promise<Binding[]> {
    await this.log.enter('listBindings', poolId, deviceId);
    const record = this.records.get(deviceKey(poolId, deviceId));
    if (!record) return [];
    return [...this.bindings.entries()]
      .filter(([key, binding]) => key.startsWith(`${poolId}|${deviceId}|`) && binding.deviceGeneration === record.generation)
      .sort(([a], [b]) => byteOrder(a, b))
      .map(([, binding]) => structuredClone(binding));
  }

  async deleteBinding(poolId: string, deviceId: string, clientAppId: string): Promise<boolean> {
    await this.log.enter('deleteBinding', poolId, deviceId, clientAppId);
    const record = this.records.get(deviceKey(poolId, deviceId));
    const binding = this.bindings.get(bindingKey(poolId, deviceId, clientAppId));
    if (!record || !binding || binding.deviceGeneration !== record.generation) return false;
    this.bindings.delete(bindingKey(poolId, deviceId, clientAppId));
    return true;
  }

  async listDevices(poolId: string, { limit, after, status }: DevicePageRequest): Promise<{ devices: Device[]; next?: string }> {
    await this.log.enter('listDevices', poolId, { limit, after, status });
    const ids = [...this.records.keys()]
      .filter((key) => key.startsWith(`${poolId}|`))
      .map((key) => key.slice(poolId.length + 1))
      .sort(byteOrder);
    const devices: Device[] = [];
    let startAfter = after;
    for (let round = 1; round <= INVENTORY_QUERY_ROUNDS; round++) {
      const read = ids.filter((id) => startAfter === undefined || byteOrder(id, startAfter) > 0).slice(0, limit + 1);
      this.recordsRead += read.length;
      for (const id of read) {
        const record = structuredClone(this.records.get(deviceKey(poolId, id))!);
        if (status !== undefined && record.status !== status) continue;
        devices.push(record);
        if (devices.length > limit) return { devices: devices.slice(0, limit), next: devices[limit - 1].deviceId };
      }
      // DynamoDB answers LastEvaluatedKey whenever a query stopped at its Limit, even on the last record.
      if (read.length < limit + 1) return { devices };
      startAfter = read[read.length - 1];
    }
    return { devices, next: startAfter };
  }

  /** What the token path writes (runtime table): the provisioning state of the record's current generation. */
  provision(poolId: string, deviceId: string, state: Provisioning): void {
    const record = this.records.get(deviceKey(poolId, deviceId));
    if (!record) throw new Error(`no device ${deviceId} in ${poolId}`);
    this.provisioning.set(provisioningKey(poolId, deviceId, record.generation), structuredClone(state));
  }

  /** The stored record, as the table holds it (generation, revision; no provisioning). */
  record(poolId: string, deviceId: string): Device | undefined {
    const record = this.records.get(deviceKey(poolId, deviceId));
    return record && structuredClone(record);
  }

  private withProvisioning(poolId: string, record: Device | undefined): Device | undefined {
    if (!record) return undefined;
    const state = this.provisioning.get(provisioningKey(poolId, record.deviceId, record.generation));
    return { ...structuredClone(record), ...(state ? { provisioning: structuredClone(state) } : {}) };
  }
}

function deviceKey(poolId: string, deviceId: string): string {
  return `${poolId}|${deviceId}`;
}

function bindingKey(poolId: string, deviceId: string, clientAppId: string): string {
  return `${poolId}|${deviceId}|${clientAppId}`;
}

function provisioningKey(poolId: string, deviceId: string, generation: string | undefined): string {
  return `${poolId}|${deviceId}|${generation ?? '-'}`;
}

/** DynamoDB orders sort keys by their UTF-8 bytes; identifiers are ASCII, where that is code-unit order. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

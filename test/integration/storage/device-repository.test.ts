import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Binding, Device } from '../../../src/domain/model';
import { InvalidDependencyRequestError } from '../../../src/errors';
import type { DocumentClient } from '../../../src/storage/document-client';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoTokenDecisionReader } from '../../../src/storage/dynamo-token-decision-reader';
import type { Tables } from '../../../src/storage/keys';
import { withOverrides } from '../../support/document-client-overrides';
import { createTestTables, testDocumentClient, testTableClient } from '../../support/emulators';

/* Devices and their app bindings under a pool's partition, against DynamoDB Local. */
describe('DynamoDeviceRepository', () => {
  let tables: Tables;
  let tableName: string;
  let devices: DynamoDeviceRepository;
  const POOL = 'pool-devices';
  const T0 = '2030-01-01T00:00:00.000Z';
  const device = (deviceId: string, extra: Partial<Device> = {}): Device => ({
    deviceId,
    orgId: 'acme',
    envId: 'prod',
    preRegistered: false,
    status: 'active',
    createdAt: T0,
    ...extra,
  });
  /** What the API shows of a record: storage bookkeeping (generation, revision) aside. */
  const shown = <T extends object>(record: T | undefined) => {
    if (record === undefined) return undefined;
    const { generation: _g, deviceGeneration: _d, revision: _r, ...rest } = record as Record<string, unknown>;
    return rest;
  };
  const binding = (deviceId: string, clientAppId: string, at = T0, extra: Partial<Binding> = {}): Binding => ({
    deviceId,
    clientAppId,
    scopes: ['device'],
    createdAt: at,
    updatedAt: at,
    ...extra,
  });

  const rawBindings = (deviceId: string) => rawBindingsIn(tableName, deviceId);
  /** The binding as the token path reads it (DynamoTokenDecisionReader): only one of the record's generation. */
  const decisionRead = (poolId: string, deviceId: string, clientAppId: string) =>
    new DynamoTokenDecisionReader(testTableClient(), tables).read(poolId, { deviceId, clientAppId, revocationCandidates: [] });
  const bindingOf = async (poolId: string, deviceId: string, clientAppId: string) => (await decisionRead(poolId, deviceId, clientAppId)).binding;

  beforeAll(async () => {
    tables = await createTestTables();
    tableName = tables.config;
    devices = new DynamoDeviceRepository(testTableClient(), tables);
  });

  describe('devices', () => {
    it('creates a device once; a second create reports it (false) and changes nothing', async () => {
      const till = device('till-1', { preRegistered: true, name: 'Till', tags: { business_unit_id: 'BU-1' }, metadata: { model: 'T' } });
      expect(await devices.createDevice(POOL, till)).toBe(true);
      const stored = await devices.getDevice(POOL, 'till-1');
      expect(shown(stored)).toEqual(till);
      expect(stored?.generation).toMatch(/^[0-9a-f-]{36}$/);
      expect(await devices.createDevice(POOL, device('till-1', { name: 'Other' }))).toBe(false);
      expect(await devices.getDevice(POOL, 'till-1')).toEqual(stored);
    });

    it('keeps pools apart', async () => {
      expect(await devices.getDevice('pool-other', 'till-1')).toBeUndefined();
    });
  });

  describe('putBinding', () => {
    it('creates the missing device record and the binding in one transaction', async () => {
      const result = await devices.putBinding(POOL, device('new-1'), binding('new-1', 'client'));
      expect(result.created).toBe(true);
      expect(shown(result.binding)).toEqual(binding('new-1', 'client'));
      const record = await devices.getDevice(POOL, 'new-1');
      expect(shown(record)).toEqual(device('new-1'));
      expect(result.binding.deviceGeneration).toBe(record?.generation);
      expect(await bindingOf(POOL, 'new-1', 'client')).toEqual(result.binding);
    });

    it('replaces a binding: created false, createdAt kept, updatedAt and scopes new', async () => {
      const later = '2030-02-01T00:00:00.000Z';
      const result = await devices.putBinding(POOL, device('new-1', { createdAt: later }), binding('new-1', 'client', later, { scopes: ['device', 'x'] }));
      expect(result.created).toBe(false);
      expect(shown(await bindingOf(POOL, 'new-1', 'client'))).toEqual(binding('new-1', 'client', later, { scopes: ['device', 'x'], createdAt: T0 }));
      expect((await devices.getDevice(POOL, 'new-1'))?.createdAt).toBe(T0);
    });

    it('leaves a pre-registered device as it was', async () => {
      await devices.putBinding(POOL, device('till-1'), binding('till-1', 'client'));
      expect(await devices.getDevice(POOL, 'till-1')).toMatchObject({ preRegistered: true, name: 'Till', tags: { business_unit_id: 'BU-1' } });
    });

    it('writes neither record when the transaction fails (the binding item is too large: a defect, not an outage)', async () => {
      const huge = binding('atomic-1', 'client', T0, { description: 'x'.repeat(420 * 1024) });
      await expect(devices.putBinding(POOL, device('atomic-1'), huge)).rejects.toBeInstanceOf(InvalidDependencyRequestError);
      expect(await devices.getDevice(POOL, 'atomic-1')).toBeUndefined();
      expect(await bindingOf(POOL, 'atomic-1', 'client')).toBeUndefined();
    });
  });

  describe('listing and removal', () => {
    it('lists only the bindings of the given device (no prefix bleed between till-2 and till-20)', async () => {
      await devices.putBinding(POOL, device('till-2'), binding('till-2', 'a'));
      await devices.putBinding(POOL, device('till-2'), binding('till-2', 'b'));
      await devices.putBinding(POOL, device('till-20'), binding('till-20', 'a'));
      expect((await devices.listBindings(POOL, 'till-2')).map((b) => b.clientAppId)).toEqual(['a', 'b']);
      expect((await devices.listBindings(POOL, 'till-20')).map((b) => b.clientAppId)).toEqual(['a']);
    });

    it('deletes a binding once (true), then reports it missing (false)', async () => {
      expect(await devices.deleteBinding(POOL, 'till-2', 'b')).toBe(true);
      expect(await devices.deleteBinding(POOL, 'till-2', 'b')).toBe(false);
      expect(await bindingOf(POOL, 'till-2', 'b')).toBeUndefined();
    });

    it('deletes a device with all its bindings (more than one batch of 25), and only those', async () => {
      for (let i = 0; i < 30; i++) await devices.putBinding(POOL, device('fleet-1'), binding('fleet-1', `app-${i}`));
      expect(await devices.listBindings(POOL, 'fleet-1')).toHaveLength(30);
      expect(await devices.deleteDevice(POOL, 'fleet-1')).toBe(true);
      expect(await devices.listBindings(POOL, 'fleet-1')).toEqual([]);
      expect(await devices.getDevice(POOL, 'fleet-1')).toBeUndefined();
      expect(await devices.listBindings(POOL, 'till-20')).toHaveLength(1);
      expect(await devices.deleteDevice(POOL, 'fleet-1')).toBe(false);
    });

    it('is final even when the sweep cannot finish: the stuck bindings are dead, never listed or honoured, not revived by a new registration', async () => {
      await devices.putBinding(POOL, device('stuck-1'), binding('stuck-1', 'a'));
      const failingSweep = failingDeletesOf(testTableClient(), 'BINDING#');
      expect(await new DynamoDeviceRepository(failingSweep, tables).deleteDevice(POOL, 'stuck-1')).toBe(true);
      expect(await devices.getDevice(POOL, 'stuck-1')).toBeUndefined();
      expect(await rawBindings('stuck-1')).toHaveLength(1);
      expect(await bindingOf(POOL, 'stuck-1', 'a')).toBeUndefined();
      await devices.createDevice(POOL, device('stuck-1'));
      expect(await devices.listBindings(POOL, 'stuck-1')).toEqual([]);
      const read = await decisionRead(POOL, 'stuck-1', 'a');
      expect({ device: read.device, binding: read.binding }).toEqual({ device: await devices.getDevice(POOL, 'stuck-1'), binding: undefined });
    });

    it('a sweep never removes a binding that a re-registration rewrote for the new generation', async () => {
      await devices.putBinding(POOL, device('resweep-1'), binding('resweep-1', 'a'));
      // The delete's sweep is held back until the device has been bound again under the same key.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slowSweep = heldDeletesOf(testTableClient(), 'BINDING#', held);
      const deleting = new DynamoDeviceRepository(slowSweep, tables).deleteDevice(POOL, 'resweep-1');
      await waitFor(async () => (await devices.getDevice(POOL, 'resweep-1')) === undefined);
      const rebound = await devices.putBinding(POOL, device('resweep-1'), binding('resweep-1', 'a'));
      release();
      expect(await deleting).toBe(true);
      expect(await bindingOf(POOL, 'resweep-1', 'a')).toEqual(rebound.binding);
    });
  });

  describe('generations', () => {
    it('a binding written for a generation that was deleted is dead; re-binding makes a new generation', async () => {
      await devices.putBinding(POOL, device('gen-1'), binding('gen-1', 'client'));
      const first = await devices.getDevice(POOL, 'gen-1');
      expect(await devices.deleteDevice(POOL, 'gen-1')).toBe(true);
      const again = await devices.putBinding(POOL, device('gen-1'), binding('gen-1', 'client'));
      expect(again.created).toBe(true);
      const second = await devices.getDevice(POOL, 'gen-1');
      expect(second?.generation).not.toBe(first?.generation);
      expect(again.binding.deviceGeneration).toBe(second?.generation);
    });

    it('refuses to delete a binding of another generation and gives every write a new revision', async () => {
      const one = await devices.putBinding(POOL, device('gen-2'), binding('gen-2', 'client'));
      const two = await devices.putBinding(POOL, device('gen-2'), binding('gen-2', 'client'));
      expect(two.binding.revision).not.toBe(one.binding.revision);
      expect(await devices.deleteBinding(POOL, 'nobody', 'client')).toBe(false);
    });
  });

  describe('updateDevice', () => {
    it('disables and re-enables a device, keeping its record, and is undefined for an unknown device', async () => {
      await devices.createDevice(POOL, device('patch-1', { name: 'Kiosk' }));
      const before = await devices.getDevice(POOL, 'patch-1');
      const disabled = await devices.updateDevice(POOL, 'patch-1', { status: 'disabled' }, '2030-05-01T00:00:00.000Z');
      expect(disabled).toEqual({ ...before, status: 'disabled', updatedAt: '2030-05-01T00:00:00.000Z', revision: expect.any(String) });
      expect(disabled?.revision).not.toBe(before?.revision);
      expect(await devices.updateDevice(POOL, 'patch-1', { status: 'active', tags: { site: 'x' } }, '2030-05-02T00:00:00.000Z')).toMatchObject({
        status: 'active',
        name: 'Kiosk',
        tags: { site: 'x' },
        generation: before?.generation,
      });
      expect(await devices.updateDevice(POOL, 'nobody', { status: 'disabled' }, T0)).toBeUndefined();
      expect(await devices.getDevice(POOL, 'nobody')).toBeUndefined();
    });
  });

  it('reports what it found and leaves refusals to the use cases: no DomainError for a missing or an existing item', async () => {
    await expect(devices.getDevice(POOL, 'nobody')).resolves.toBeUndefined();
    await expect(devices.createDevice(POOL, device('till-1'))).resolves.toBe(false);
  });
});

async function rawBindingsIn(tableName: string, deviceId: string): Promise<unknown[]> {
  const result = await testDocumentClient().send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'POOL#pool-devices', ':prefix': `BINDING#${deviceId}#` },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

/** Delegates to the real client, but fails every DeleteItem whose key's sort key starts with `prefix`. */
function failingDeletesOf(client: DocumentClient, prefix: string): DocumentClient {
  return withOverrides(client, {
    delete: (input, options) => (String(input.Key?.sk).startsWith(prefix) ? Promise.reject(new Error('injected outage')) : client.delete(input, options)),
  });
}

/** Delegates to the real client, but holds every DeleteItem whose sort key starts with `prefix` until `gate` resolves. */
function heldDeletesOf(client: DocumentClient, prefix: string, gate: Promise<void>): DocumentClient {
  return withOverrides(client, {
    delete: async (input, options) => {
      if (String(input.Key?.sk).startsWith(prefix)) await gate;
      return client.delete(input, options);
    },
  });
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

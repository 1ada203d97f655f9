import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Binding, Device } from '../../../src/domain/model';
import { DependencyError, DomainError } from '../../../src/errors';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { createTestTable, testDocumentClient } from '../../support/emulators';

/* Devices and their app bindings under a pool's partition, against DynamoDB Local. */
describe('DynamoDeviceRepository', () => {
  let tableName: string;
  let devices: DynamoDeviceRepository;
  const POOL = 'pool-devices';
  const T0 = '2030-01-01T00:00:00.000Z';
  const device = (deviceId: string, extra: Partial<Device> = {}): Device => ({ deviceId, orgId: 'acme', envId: 'prod', preRegistered: false, createdAt: T0, ...extra });
  const binding = (deviceId: string, clientAppId: string, at = T0, extra: Partial<Binding> = {}): Binding => ({
    deviceId,
    clientAppId,
    scopes: ['device'],
    createdAt: at,
    updatedAt: at,
    ...extra,
  });
  const seen = (lastSeen: string, thumbprint = 'aa') => ({ thumbprint, serial: '01', issuer: 'CN=Intermediate', notAfter: '2031-01-01T00:00:00.000Z', businessUnit: 'BU-1', lastSeen });

  beforeAll(async () => {
    tableName = await createTestTable();
    devices = new DynamoDeviceRepository(testDocumentClient(), tableName);
  });

  describe('devices', () => {
    it('creates a device once; a second create is device_exists and changes nothing', async () => {
      const till = device('till-1', { preRegistered: true, name: 'Till', tags: { business_unit_id: 'BU-1' }, metadata: { model: 'T' } });
      await devices.createDevice(POOL, till);
      expect(await devices.getDevice(POOL, 'till-1')).toEqual(till);
      await expect(devices.createDevice(POOL, device('till-1', { name: 'Other' }))).rejects.toMatchObject({ code: 'device_exists' });
      expect(await devices.getDevice(POOL, 'till-1')).toEqual(till);
    });

    it('keeps pools apart', async () => {
      expect(await devices.getDevice('pool-other', 'till-1')).toBeUndefined();
    });
  });

  describe('putBinding', () => {
    it('creates the missing device record and the binding in one transaction', async () => {
      const result = await devices.putBinding(POOL, device('new-1'), binding('new-1', 'client'));
      expect(result).toEqual({ created: true, binding: binding('new-1', 'client') });
      expect(await devices.getDevice(POOL, 'new-1')).toEqual(device('new-1'));
      expect(await devices.getBinding(POOL, 'new-1', 'client')).toEqual(binding('new-1', 'client'));
    });

    it('replaces a binding: created false, createdAt kept, updatedAt and scopes new', async () => {
      const later = '2030-02-01T00:00:00.000Z';
      const result = await devices.putBinding(POOL, device('new-1', { createdAt: later }), binding('new-1', 'client', later, { scopes: ['device', 'x'] }));
      expect(result.created).toBe(false);
      expect(await devices.getBinding(POOL, 'new-1', 'client')).toEqual(binding('new-1', 'client', later, { scopes: ['device', 'x'], createdAt: T0 }));
      expect((await devices.getDevice(POOL, 'new-1'))?.createdAt).toBe(T0);
    });

    it('leaves a pre-registered device as it was', async () => {
      await devices.putBinding(POOL, device('till-1'), binding('till-1', 'client'));
      expect(await devices.getDevice(POOL, 'till-1')).toMatchObject({ preRegistered: true, name: 'Till', tags: { business_unit_id: 'BU-1' } });
    });

    it('writes neither record when the transaction fails (the binding item is too large)', async () => {
      const huge = binding('atomic-1', 'client', T0, { description: 'x'.repeat(420 * 1024) });
      await expect(devices.putBinding(POOL, device('atomic-1'), huge)).rejects.toBeInstanceOf(DependencyError);
      expect(await devices.getDevice(POOL, 'atomic-1')).toBeUndefined();
      expect(await devices.getBinding(POOL, 'atomic-1', 'client')).toBeUndefined();
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
      expect(await devices.getBinding(POOL, 'till-2', 'b')).toBeUndefined();
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

    it('retries bindings BatchWriteItem leaves unprocessed before deleting the device', async () => {
      for (const app of ['a', 'b', 'c']) await devices.putBinding(POOL, device('throttled-1'), binding('throttled-1', app));
      const flaky = throttlingClient(testDocumentClient(), tableName, 2);
      expect(await new DynamoDeviceRepository(flaky, tableName).deleteDevice(POOL, 'throttled-1')).toBe(true);
      expect(await devices.listBindings(POOL, 'throttled-1')).toEqual([]);
    });

    it('keeps the device (and fails retryably) when bindings stay unprocessed', async () => {
      await devices.putBinding(POOL, device('throttled-2'), binding('throttled-2', 'a'));
      const stuck = throttlingClient(testDocumentClient(), tableName, Infinity);
      await expect(new DynamoDeviceRepository(stuck, tableName).deleteDevice(POOL, 'throttled-2')).rejects.toBeInstanceOf(DependencyError);
      expect(await devices.getDevice(POOL, 'throttled-2')).toBeDefined();
    });
  });

  describe('recordProvisioning', () => {
    const id = { deviceId: 'auto-1', orgId: 'acme', envId: 'prod' };

    it('creates the device record on the first successful assertion', async () => {
      await devices.recordProvisioning(POOL, id, seen('2030-03-01T00:00:00.000Z'));
      expect(await devices.getDevice(POOL, 'auto-1')).toEqual({
        ...device('auto-1', { createdAt: '2030-03-01T00:00:00.000Z' }),
        provisioning: { ...seen('2030-03-01T00:00:00.000Z'), firstSeen: '2030-03-01T00:00:00.000Z' },
      });
    });

    it('keeps firstSeen and refreshes lastSeen and the certificate on a later request', async () => {
      await devices.recordProvisioning(POOL, id, seen('2030-03-02T00:00:00.000Z', 'bb'));
      expect((await devices.getDevice(POOL, 'auto-1'))?.provisioning).toEqual({ ...seen('2030-03-02T00:00:00.000Z', 'bb'), firstSeen: '2030-03-01T00:00:00.000Z' });
    });

    it('never moves lastSeen backwards: an older request changes nothing and does not fail', async () => {
      await expect(devices.recordProvisioning(POOL, id, seen('2030-03-01T12:00:00.000Z', 'old'))).resolves.toBeUndefined();
      expect((await devices.getDevice(POOL, 'auto-1'))?.provisioning).toMatchObject({ lastSeen: '2030-03-02T00:00:00.000Z', thumbprint: 'bb' });
    });

    it('keeps a pre-registered device pre-registered, with its tags', async () => {
      await devices.recordProvisioning(POOL, { ...id, deviceId: 'till-1' }, seen('2030-03-03T00:00:00.000Z'));
      expect(await devices.getDevice(POOL, 'till-1')).toMatchObject({ preRegistered: true, tags: { business_unit_id: 'BU-1' }, createdAt: T0 });
    });
  });

  it('raises DomainError only for decisions, never for a missing item', async () => {
    await expect(devices.getDevice(POOL, 'nobody')).resolves.toBeUndefined();
    await expect(devices.createDevice(POOL, device('till-1'))).rejects.toBeInstanceOf(DomainError);
  });
});

/** Delegates to the real client, but answers the first `times` BatchWriteItem calls with everything unprocessed. */
function throttlingClient(client: DynamoDBDocumentClient, tableName: string, times: number): DynamoDBDocumentClient {
  let throttled = 0;
  const send = (command: unknown) => {
    if (command instanceof BatchWriteCommand && throttled < times) {
      throttled++;
      return Promise.resolve({ UnprocessedItems: { [tableName]: command.input.RequestItems?.[tableName] ?? [] } });
    }
    return client.send(command as never);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

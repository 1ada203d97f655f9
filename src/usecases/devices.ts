import { randomUUID } from 'node:crypto';
import { optionalStringMap, optionalText, rejectUnknownFields, requireObject } from '../domain/fields';
import { requireIdentifier, requireScopes } from '../domain/identifiers';
import { type Binding, DEVICE_STATUSES, type Device, type DeviceStatus } from '../domain/model';
import { DomainError } from '../errors';
import { type Principal, requireOrgAccess } from './authenticate';
import { decodeCursor, encodeCursor, type InventoryQuery, parseInventoryQuery } from './device-inventory';
import type { OrganisationService } from './organisations';
import type { DeviceChanges, DeviceRepository } from './ports';

export interface DeviceDeps {
  organisations: Pick<OrganisationService, 'requireEnvironment'>;
  devices: DeviceRepository;
  clock: () => Date;
}

const DEVICE_FIELDS = ['id', 'name', 'description', 'metadata', 'tags'] as const;
const BINDING_FIELDS = ['clientAppId', 'scopes', 'name', 'description'] as const;
const PATCH_FIELDS = ['status', 'name', 'description', 'metadata', 'tags'] as const;

export interface DeviceAddress {
  orgId: string;
  envId: string;
}

export class DeviceService {
  constructor(private readonly deps: DeviceDeps) {}

  async register(principal: Principal, at: DeviceAddress, input: unknown): Promise<DeviceView> {
    const poolId = await this.pool(principal, at);
    const body = requireObject(input);
    rejectUnknownFields(body, DEVICE_FIELDS);
    const device: Device = {
      deviceId: requireIdentifier('id', body.id),
      orgId: at.orgId,
      envId: at.envId,
      name: optionalText(body, 'name'),
      description: optionalText(body, 'description'),
      metadata: optionalStringMap(body, 'metadata'),
      tags: optionalStringMap(body, 'tags'),
      preRegistered: true,
      status: 'active',
      generation: randomUUID(),
      createdAt: this.deps.clock().toISOString(),
    };
    if (!(await this.deps.devices.createDevice(poolId, device))) throw new DomainError('device_exists', `device ${device.deviceId} already exists`);
    return deviceView(device);
  }

  /**
   * docs/contract.md §3.3 fleet inventory: one page of the environment's devices, ordered
   * by device id, without provisioning state. `nextCursor` continues the
   * listing (null once complete); a page may be short, even empty, while it
   * is not null. Refusals: `invalid_limit`, `invalid_status`, `invalid_cursor`
   * (400), 403 for another organisation's key, 404 for an unknown org/env.
   */
  async list(principal: Principal, at: DeviceAddress, query: InventoryQuery): Promise<{ devices: DeviceSummary[]; nextCursor: string | null }> {
    requireOrgAccess(principal, at.orgId);
    const page = parseInventoryQuery(query);
    const poolId = await this.pool(principal, at);
    const after = page.cursor === undefined ? undefined : decodeCursor(poolId, page.cursor);
    const { devices, next } = await this.deps.devices.listDevices(poolId, { limit: page.limit, after, status: page.status });
    return { devices: devices.map(deviceSummary), nextCursor: next === undefined ? null : encodeCursor(poolId, next) };
  }

  async get(principal: Principal, at: DeviceAddress, deviceId: string): Promise<DeviceView> {
    const poolId = await this.pool(principal, at);
    return deviceView(await this.requireDevice(poolId, requireIdentifier('deviceId', deviceId)));
  }

  /**
   * docs/contract.md §3.3: `status` disables or re-enables a device (a disabled device's
   * next token request is refused with `device_disabled`; its record and
   * provisioning history stay); name, description, metadata and tags replace
   * the stored values. Unknown fields are refused and nothing is written.
   */
  async update(principal: Principal, at: DeviceAddress, deviceId: string, input: unknown): Promise<DeviceView> {
    const poolId = await this.pool(principal, at);
    requireIdentifier('deviceId', deviceId);
    const body = requireObject(input);
    rejectUnknownFields(body, PATCH_FIELDS);
    const changes: DeviceChanges = {
      status: optionalStatus(body),
      name: optionalText(body, 'name'),
      description: optionalText(body, 'description'),
      metadata: optionalStringMap(body, 'metadata'),
      tags: optionalStringMap(body, 'tags'),
    };
    if (Object.values(changes).every((value) => value === undefined)) {
      throw new DomainError('empty_update', `give at least one of ${PATCH_FIELDS.join(', ')}`);
    }
    const updated = await this.deps.devices.updateDevice(poolId, deviceId, changes, this.deps.clock().toISOString());
    if (!updated) throw deviceNotFound(deviceId);
    return deviceView(updated);
  }

  async remove(principal: Principal, at: DeviceAddress, deviceId: string): Promise<void> {
    const poolId = await this.pool(principal, at);
    requireIdentifier('deviceId', deviceId);
    if (!(await this.deps.devices.deleteDevice(poolId, deviceId))) throw deviceNotFound(deviceId);
  }

  /** docs/contract.md §3.2: creates or replaces the binding, creating the device record if it does not exist. */
  async putBinding(principal: Principal, at: DeviceAddress, deviceId: string, input: unknown) {
    const poolId = await this.pool(principal, at);
    requireIdentifier('deviceId', deviceId);
    const body = requireObject(input);
    rejectUnknownFields(body, BINDING_FIELDS);
    const now = this.deps.clock().toISOString();
    const binding: Binding = {
      deviceId,
      clientAppId: requireIdentifier('clientAppId', body.clientAppId),
      scopes: requireScopes(body.scopes),
      name: optionalText(body, 'name'),
      description: optionalText(body, 'description'),
      createdAt: now,
      updatedAt: now,
    };
    const device: Device = { deviceId, orgId: at.orgId, envId: at.envId, preRegistered: false, status: 'active', createdAt: now };
    const result = await this.deps.devices.putBinding(poolId, device, binding);
    return { created: result.created, binding: bindingView(result.binding) };
  }

  async listBindings(principal: Principal, at: DeviceAddress, deviceId: string): Promise<BindingView[]> {
    const poolId = await this.pool(principal, at);
    await this.requireDevice(poolId, requireIdentifier('deviceId', deviceId));
    return (await this.deps.devices.listBindings(poolId, deviceId)).map(bindingView);
  }

  async removeBinding(principal: Principal, at: DeviceAddress, deviceId: string, clientAppId: string): Promise<void> {
    const poolId = await this.pool(principal, at);
    requireIdentifier('deviceId', deviceId);
    requireIdentifier('clientAppId', clientAppId);
    if (!(await this.deps.devices.deleteBinding(poolId, deviceId, clientAppId))) {
      if (!(await this.deps.devices.getDevice(poolId, deviceId))) throw deviceNotFound(deviceId);
      throw new DomainError('binding_not_found', `device ${deviceId} has no binding for ${clientAppId}`);
    }
  }

  /** Authorisation comes before existence, so an org key learns nothing about other orgs. */
  private async pool(principal: Principal, at: DeviceAddress): Promise<string> {
    requireOrgAccess(principal, at.orgId);
    return (await this.deps.organisations.requireEnvironment(at.orgId, at.envId)).clientPoolId;
  }

  private async requireDevice(poolId: string, deviceId: string): Promise<Device> {
    const device = await this.deps.devices.getDevice(poolId, deviceId);
    if (!device) throw deviceNotFound(deviceId);
    return device;
  }
}

export type DeviceView = Omit<Device, 'generation' | 'revision'>;
export type BindingView = Omit<Binding, 'deviceGeneration' | 'revision'>;

/** Storage bookkeeping (generation, revision) stays out of API responses. */
function deviceView({ generation: _generation, revision: _revision, ...device }: Device): DeviceView {
  return device;
}

export type DeviceSummary = Omit<DeviceView, 'provisioning'>;

/** The inventory lists records only: provisioning state lives in the runtime table, one read per device (GET the device). */
function deviceSummary(device: Device): DeviceSummary {
  const { provisioning: _provisioning, ...summary } = deviceView(device);
  return summary;
}

function bindingView({ deviceGeneration: _generation, revision: _revision, ...binding }: Binding): BindingView {
  return binding;
}

function optionalStatus(body: Record<string, unknown>): DeviceStatus | undefined {
  if (body.status === undefined) return undefined;
  if (!DEVICE_STATUSES.includes(body.status as DeviceStatus)) {
    throw new DomainError('invalid_field', `status must be one of ${DEVICE_STATUSES.join(', ')}`, { field: 'status' });
  }
  return body.status as DeviceStatus;
}

function deviceNotFound(deviceId: string): DomainError {
  return new DomainError('device_not_found', `device ${deviceId} does not exist`);
}

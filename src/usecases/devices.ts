import { DomainError } from '../errors';
import { optionalStringMap, optionalText, rejectUnknownFields, requireObject } from '../domain/fields';
import { requireIdentifier, requireScopes } from '../domain/identifiers';
import type { Binding, Device } from '../domain/model';
import { requireOrgAccess, type Principal } from './authenticate';
import type { OrganisationService } from './organisations';
import type { DeviceRepository } from './ports';

export interface DeviceDeps {
  organisations: Pick<OrganisationService, 'requireEnvironment'>;
  devices: DeviceRepository;
  clock: () => Date;
}

const DEVICE_FIELDS = ['id', 'name', 'description', 'metadata', 'tags'] as const;
const BINDING_FIELDS = ['clientAppId', 'scopes', 'name', 'description'] as const;

export interface DeviceAddress {
  orgId: string;
  envId: string;
}

export class DeviceService {
  constructor(private readonly deps: DeviceDeps) {}

  async register(principal: Principal, at: DeviceAddress, input: unknown): Promise<Device> {
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
      createdAt: this.deps.clock().toISOString(),
    };
    await this.deps.devices.createDevice(poolId, device);
    return device;
  }

  async get(principal: Principal, at: DeviceAddress, deviceId: string): Promise<Device> {
    const poolId = await this.pool(principal, at);
    return this.requireDevice(poolId, requireIdentifier('deviceId', deviceId));
  }

  async remove(principal: Principal, at: DeviceAddress, deviceId: string): Promise<void> {
    const poolId = await this.pool(principal, at);
    requireIdentifier('deviceId', deviceId);
    if (!(await this.deps.devices.deleteDevice(poolId, deviceId))) throw deviceNotFound(deviceId);
  }

  /** SPEC §3.2: creates or replaces the binding, creating the device record if it does not exist. */
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
    const device: Device = { deviceId, orgId: at.orgId, envId: at.envId, preRegistered: false, createdAt: now };
    return this.deps.devices.putBinding(poolId, device, binding);
  }

  async listBindings(principal: Principal, at: DeviceAddress, deviceId: string): Promise<Binding[]> {
    const poolId = await this.pool(principal, at);
    await this.requireDevice(poolId, requireIdentifier('deviceId', deviceId));
    return this.deps.devices.listBindings(poolId, deviceId);
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

function deviceNotFound(deviceId: string): DomainError {
  return new DomainError('device_not_found', `device ${deviceId} does not exist`);
}

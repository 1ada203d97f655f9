import type { Binding, Device } from '../domain/model';

/**
 * The device record with the provisioning state of its own generation (a
 * `PROV#` item of the runtime table). Records written before the runtime
 * table existed carry their provisioning attributes themselves.
 */
export function withProvisioning(item: Record<string, unknown>, provisioning: readonly Record<string, unknown>[]): Device {
  const own = provisioning.find((state) => state.sk === `GEN#${typeof item.generation === 'string' ? item.generation : '-'}`);
  return toDevice(own ? { ...item, ...stateOf(own) } : item);
}

function stateOf(state: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = state;
  return rest;
}

/** Stored device item → the domain record (records older than `status` are active). */
export function toDevice(item: Record<string, unknown>): Device {
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
    status: item.status === 'disabled' ? 'disabled' : 'active',
    generation: text('generation'),
    revision: text('revision'),
    createdAt: String(item.createdAt),
    updatedAt: text('updatedAt'),
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

export function toBinding(item: Record<string, unknown>): Binding {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  return {
    deviceId: String(item.deviceId),
    clientAppId: String(item.clientAppId),
    scopes: (item.scopes as string[]) ?? [],
    name: text('name'),
    description: text('description'),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    deviceGeneration: text('deviceGeneration'),
    revision: text('revision'),
  };
}

import { createHash } from 'node:crypto';
import { isIdentifier } from '../domain/identifiers';
import { DEVICE_STATUSES, type DeviceStatus } from '../domain/model';
import { DomainError } from '../errors';

/** docs/contract.md §3.3: `limit` is 1–1000, 100 when absent. */
export const INVENTORY_LIMIT = { min: 1, max: 1000, default: 100 } as const;
/** A cursor is short (a version, a pool tag and a device id); anything much longer is not one of ours. */
export const MAX_CURSOR_LENGTH = 512;

/** The query of `GET .../device` as the caller sent it (each parameter once; src/http sees to that). */
export interface InventoryQuery {
  limit?: string;
  cursor?: string;
  status?: string;
}

export interface InventoryPage {
  limit: number;
  status?: DeviceStatus;
  cursor?: string;
}

/** Validates `limit` and `status`; the cursor is decoded once the pool is known (decodeCursor). */
export function parseInventoryQuery(query: InventoryQuery): InventoryPage {
  return { limit: parseLimit(query.limit), status: parseStatus(query.status), cursor: query.cursor };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return INVENTORY_LIMIT.default;
  const limit = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= INVENTORY_LIMIT.min && limit <= INVENTORY_LIMIT.max)) {
    throw new DomainError('invalid_limit', `limit must be an integer from ${INVENTORY_LIMIT.min} to ${INVENTORY_LIMIT.max}`, { field: 'limit' });
  }
  return limit;
}

function parseStatus(raw: string | undefined): DeviceStatus | undefined {
  if (raw === undefined) return undefined;
  if (!DEVICE_STATUSES.includes(raw as DeviceStatus)) {
    throw new DomainError('invalid_status', `status must be one of ${DEVICE_STATUSES.join(', ')}`, { field: 'status' });
  }
  return raw as DeviceStatus;
}

/**
 * The cursor names a position (the last device id of the previous page)
 * within one pool: base64url of `{"v":1,"p":<pool tag>,"after":<deviceId>}`.
 * It carries no key: the repository always queries the partition of the pool
 * the caller was authorised for, so no cursor can reach another tenant's
 * items. The pool tag makes a cursor of another environment a 400 rather
 * than a silent jump into this one's list.
 */
export function encodeCursor(poolId: string, afterDeviceId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, p: poolTag(poolId), after: afterDeviceId }), 'utf8').toString('base64url');
}

/**
 * The device id to continue after; `invalid_cursor` unless the cursor is, byte
 * for byte, one this pool's listing encodes (a cursor of another pool, or an
 * altered one, is refused).
 */
export function decodeCursor(poolId: string, cursor: string): string {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let after: unknown;
  try {
    after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown } | null)?.after;
  } catch {
    throw invalidCursor();
  }
  if (!isIdentifier(after) || encodeCursor(poolId, after) !== cursor) throw invalidCursor();
  return after;
}

/** 16 bytes of SHA-256: enough to tell pools apart, and it does not spell out the pool id. */
function poolTag(poolId: string): string {
  return createHash('sha256').update(`device-inventory:${poolId}`, 'utf8').digest('base64url').slice(0, 22);
}

function invalidCursor(): DomainError {
  return new DomainError('invalid_cursor', 'cursor must be a nextCursor this listing returned, unchanged', { field: 'cursor' });
}

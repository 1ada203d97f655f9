import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '../errors';

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function mediaType(event: APIGatewayProxyEvent): string {
  return (header(event, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** The raw body bytes, refusing anything over `limit` before decoding it whole. */
export function bodyBytes(event: APIGatewayProxyEvent, limit: number): Buffer {
  const raw = event.body ?? '';
  // base64 is 4/3 the size of the bytes it encodes: a cheap upper bound first.
  const estimate = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (estimate > limit + 2) throw tooLarge(limit);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > limit) throw tooLarge(limit);
  return bytes;
}

function tooLarge(limit: number): DomainError {
  return new DomainError('payload_too_large', `request body exceeds ${limit} bytes`);
}

export const ADMIN_BODY_LIMIT = 16 * 1024;

export function jsonBody(event: APIGatewayProxyEvent, limit = ADMIN_BODY_LIMIT): unknown {
  if (mediaType(event) !== 'application/json') {
    throw new DomainError('unsupported_media_type', 'Content-Type must be application/json');
  }
  const text = bodyBytes(event, limit).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('invalid_json', 'request body is not valid JSON');
  }
}

export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === null) {
    throw new DomainError('route_not_found', 'no such route');
  }
  return decodeURIComponentSafe(value);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

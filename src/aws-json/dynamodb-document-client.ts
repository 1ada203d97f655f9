import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, type marshallOptions, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CallOptions, DocumentClient } from '../storage/document-client';
import { AwsJsonClient, type AwsJsonClientOptions, type AwsJsonOutput, base64Bytes } from './aws-json-client';

type Item = Record<string, unknown>;
type WireItem = Record<string, AttributeValue>;

/** As the functions' SDK document client was configured: attributes whose value is undefined are left out. */
const MARSHALL_OPTIONS: marshallOptions = { removeUndefinedValues: true };

/**
 * The storage adapters' {@link DocumentClient} over DynamoDB's JSON protocol
 * (API version 2012-08-10): each operation marshals the fields that carry
 * items, keys and expression values with `@aws-sdk/util-dynamodb` — what
 * `@aws-sdk/lib-dynamodb` does for the same operations — and unmarshals the
 * ones that come back. Numbers come back as JavaScript numbers (an N beyond
 * Number.MAX_SAFE_INTEGER throws, as in the SDK without `wrapNumbers`);
 * binary values as Uint8Array.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
 */
export class DynamoDbDocumentClient implements DocumentClient {
  private readonly client: AwsJsonClient;

  constructor(options: Partial<Pick<AwsJsonClientOptions, 'region' | 'endpoint' | 'credentials' | 'maxAttempts' | 'requestHandler' | 'trace'>> = {}) {
    this.client = new AwsJsonClient({ ...options, service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' });
  }

  async get(input: Parameters<DocumentClient['get']>[0], options?: CallOptions): ReturnType<DocumentClient['get']> {
    const output = await this.call('GetItem', { ...input, Key: toWire(input.Key) }, options);
    return { ...output, Item: fromWireOptional(output.Item) };
  }

  async put(input: Parameters<DocumentClient['put']>[0], options?: CallOptions): ReturnType<DocumentClient['put']> {
    const output = await this.call('PutItem', { ...input, Item: toWire(input.Item), ...values(input.ExpressionAttributeValues) }, options);
    return { ...output, Attributes: fromWireOptional(output.Attributes) };
  }

  async update(input: Parameters<DocumentClient['update']>[0], options?: CallOptions): ReturnType<DocumentClient['update']> {
    const output = await this.call('UpdateItem', { ...input, Key: toWire(input.Key), ...values(input.ExpressionAttributeValues) }, options);
    return { ...output, Attributes: fromWireOptional(output.Attributes) };
  }

  async delete(input: Parameters<DocumentClient['delete']>[0], options?: CallOptions): ReturnType<DocumentClient['delete']> {
    const output = await this.call('DeleteItem', { ...input, Key: toWire(input.Key), ...values(input.ExpressionAttributeValues) }, options);
    return { ...output, Attributes: fromWireOptional(output.Attributes) };
  }

  async query(input: Parameters<DocumentClient['query']>[0], options?: CallOptions): ReturnType<DocumentClient['query']> {
    const output = await this.call('Query', { ...input, ...startKey(input.ExclusiveStartKey), ...values(input.ExpressionAttributeValues) }, options);
    return { ...output, Items: fromWireList(output.Items), LastEvaluatedKey: fromWireOptional(output.LastEvaluatedKey) };
  }

  async scan(input: Parameters<DocumentClient['scan']>[0], options?: CallOptions): ReturnType<DocumentClient['scan']> {
    const output = await this.call('Scan', { ...input, ...startKey(input.ExclusiveStartKey), ...values(input.ExpressionAttributeValues) }, options);
    return { ...output, Items: fromWireList(output.Items), LastEvaluatedKey: fromWireOptional(output.LastEvaluatedKey) };
  }

  async batchGet(input: Parameters<DocumentClient['batchGet']>[0], options?: CallOptions): ReturnType<DocumentClient['batchGet']> {
    const output = await this.call('BatchGetItem', { ...input, RequestItems: mapTables(input.RequestItems, keysAndAttributesToWire) }, options);
    return {
      ...output,
      Responses: output.Responses && mapTables(output.Responses as Record<string, WireItem[]>, (items) => items.map(fromWire)),
      UnprocessedKeys: output.UnprocessedKeys && mapTables(output.UnprocessedKeys as Record<string, WireKeysAndAttributes>, keysAndAttributesFromWire),
    };
  }

  async batchWrite(input: Parameters<DocumentClient['batchWrite']>[0], options?: CallOptions): ReturnType<DocumentClient['batchWrite']> {
    const output = await this.call(
      'BatchWriteItem',
      { ...input, RequestItems: mapTables(input.RequestItems, (requests) => requests.map(writeRequestToWire)) },
      options,
    );
    return {
      ...output,
      UnprocessedItems:
        output.UnprocessedItems && mapTables(output.UnprocessedItems as Record<string, WireWriteRequest[]>, (requests) => requests.map(writeRequestFromWire)),
    };
  }

  /**
   * With a ClientRequestToken (the caller's, else a new UUID, as the SDK fills
   * this idempotency token): a retry after a lost answer is the same request
   * and is not applied twice (within DynamoDB's 10-minute token window).
   */
  async transactWrite(input: Parameters<DocumentClient['transactWrite']>[0], options?: CallOptions): ReturnType<DocumentClient['transactWrite']> {
    const request = { ...input, ClientRequestToken: input.ClientRequestToken ?? randomUUID(), TransactItems: input.TransactItems?.map(transactItemToWire) };
    return this.call('TransactWriteItems', request, options);
  }

  private call(operation: string, input: object, options?: CallOptions): Promise<AwsJsonOutput & Record<string, never>> {
    return this.client.call(operation, input, options) as Promise<AwsJsonOutput & Record<string, never>>;
  }
}

function toWire(item: Item | undefined): WireItem | undefined {
  return item === undefined ? undefined : (marshall(item, MARSHALL_OPTIONS) as WireItem);
}

function fromWire(item: WireItem): Item {
  return unmarshall(decodeBinaries(item));
}

function fromWireOptional(item: unknown): Item | undefined {
  return item === undefined ? undefined : fromWire(item as WireItem);
}

function fromWireList(items: unknown): Item[] | undefined {
  return items === undefined ? undefined : (items as WireItem[]).map(fromWire);
}

function values(expressionValues: Item | undefined): { ExpressionAttributeValues?: WireItem } {
  return expressionValues === undefined ? {} : { ExpressionAttributeValues: toWire(expressionValues) };
}

function startKey(key: Item | undefined): { ExclusiveStartKey?: WireItem } {
  return key === undefined ? {} : { ExclusiveStartKey: toWire(key) };
}

function mapTables<T, U>(tables: Record<string, T> | undefined, map: (value: T) => U): Record<string, U> | undefined {
  if (tables === undefined) return undefined;
  const mapped: Record<string, U> = {};
  for (const [table, value] of Object.entries(tables)) mapped[table] = map(value);
  return mapped;
}

interface KeysAndAttributes {
  Keys: Item[] | undefined;
  [field: string]: unknown;
}
interface WireKeysAndAttributes {
  Keys?: WireItem[];
  [field: string]: unknown;
}

function keysAndAttributesToWire(request: KeysAndAttributes): WireKeysAndAttributes {
  return { ...request, Keys: request.Keys?.map((key) => toWire(key) as WireItem) };
}

function keysAndAttributesFromWire(request: WireKeysAndAttributes): KeysAndAttributes {
  return { ...request, Keys: request.Keys?.map(fromWire) };
}

interface WriteRequest {
  PutRequest?: { Item: Item | undefined };
  DeleteRequest?: { Key: Item | undefined };
}
interface WireWriteRequest {
  PutRequest?: { Item: WireItem };
  DeleteRequest?: { Key: WireItem };
}

function writeRequestToWire(request: WriteRequest): WireWriteRequest {
  return {
    ...(request.PutRequest ? { PutRequest: { Item: toWire(request.PutRequest.Item) as WireItem } } : {}),
    ...(request.DeleteRequest ? { DeleteRequest: { Key: toWire(request.DeleteRequest.Key) as WireItem } } : {}),
  };
}

function writeRequestFromWire(request: WireWriteRequest): WriteRequest {
  return {
    ...(request.PutRequest ? { PutRequest: { Item: fromWire(request.PutRequest.Item) } } : {}),
    ...(request.DeleteRequest ? { DeleteRequest: { Key: fromWire(request.DeleteRequest.Key) } } : {}),
  };
}

type TransactItem = NonNullable<Parameters<DocumentClient['transactWrite']>[0]['TransactItems']>[number];

/** Put (Item), Update, Delete and ConditionCheck (Key), each with its ExpressionAttributeValues. */
function transactItemToWire(item: TransactItem): object {
  const wire: Record<string, object> = {};
  for (const [kind, operation] of Object.entries(item) as [string, (Item & { Item?: Item; Key?: Item; ExpressionAttributeValues?: Item }) | undefined][]) {
    if (operation === undefined) continue;
    wire[kind] = {
      ...operation,
      ...(operation.Item === undefined ? {} : { Item: toWire(operation.Item) }),
      ...(operation.Key === undefined ? {} : { Key: toWire(operation.Key) }),
      ...values(operation.ExpressionAttributeValues),
    };
  }
  return wire;
}

/** B and BS arrive as base64 (the protocol's blobs): decoded in place, through maps and lists. */
function decodeBinaries(item: WireItem): WireItem {
  for (const value of Object.values(item)) decodeAttribute(value);
  return item;
}

function decodeAttribute(value: AttributeValue): void {
  const wire = value as unknown as Record<string, unknown>;
  if (typeof wire.B === 'string') wire.B = base64Bytes(wire.B);
  else if (Array.isArray(wire.BS)) wire.BS = wire.BS.map((entry) => (typeof entry === 'string' ? base64Bytes(entry) : entry));
  else if (wire.M !== undefined) decodeBinaries(wire.M as WireItem);
  else if (Array.isArray(wire.L)) for (const entry of wire.L) decodeAttribute(entry as AttributeValue);
}

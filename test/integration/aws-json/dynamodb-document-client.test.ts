import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DynamoDbDocumentClient } from '../../../src/aws-json/dynamodb-document-client';
import type { DocumentClient } from '../../../src/storage/document-client';
import { createTestTable, testDocumentClient, testTableClient } from '../../support/emulators';

/*
 * The functions' DynamoDB client (src/aws-json/dynamodb-document-client.ts)
 * against the SDK's own document client, on DynamoDB Local: every operation
 * the storage adapters use, run through both on items of the same shape,
 * must store the same items and answer the same values, errors included.
 */

const RICH = {
  text: 'café ☕',
  count: 42,
  ratio: -0.125,
  big: Number.MAX_SAFE_INTEGER,
  yes: true,
  nothing: null,
  bytes: new Uint8Array([0, 1, 2, 253, 254, 255]),
  list: ['a', 1, { nested: new Uint8Array([9]) }, [true, null]],
  map: { inner: { deeper: 'x', bytes: new Uint8Array([7, 7]) } },
  strings: new Set(['s1', 's2']),
  numbers: new Set([1, 2, 3]),
  skipped: undefined,
};

/** DynamoDB Local's region and credentials, for a client built with a request handler of its own. */
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** The output without `$metadata` (request ids differ), its Attributes without `pk` (each client writes its own items). */
const withoutMetadata = <T extends { $metadata?: unknown; Attributes?: Record<string, unknown> }>(output: T) => {
  const { $metadata: _metadata, ...rest } = output;
  if (rest.Attributes === undefined) return rest;
  const { pk: _pk, ...attributes } = rest.Attributes;
  return { ...rest, Attributes: attributes };
};

async function failure(call: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    const { name, message, CancellationReasons } = error as Record<string, unknown>;
    return { name, message, CancellationReasons };
  }
  throw new Error('expected the call to fail');
}

describe('DynamoDbDocumentClient against the SDK document client (DynamoDB Local)', () => {
  let table: string;
  const clients: [string, DocumentClient][] = [];

  beforeAll(async () => {
    table = await createTestTable();
    clients.push(['lean', testTableClient()], ['sdk', testDocumentClient()]);
  });

  const both = async <T>(run: (client: DocumentClient, side: string) => Promise<T>) => {
    const [leanResult, sdkResult] = [await run(clients[0][1], 'lean'), await run(clients[1][1], 'sdk')];
    expect(leanResult).toEqual(sdkResult);
    return leanResult;
  };

  it('put, get, update and delete store and answer the same values', async () => {
    const got = await both(async (client, side) => {
      await client.put({ TableName: table, Item: { pk: `rich-${side}`, sk: 'A', ...RICH } });
      const { Item } = await client.get({ TableName: table, Key: { pk: `rich-${side}`, sk: 'A' }, ConsistentRead: true });
      const { pk, ...rest } = Item ?? {};
      expect(pk).toBe(`rich-${side}`);
      return { Item: rest };
    });
    expect(got.Item).toEqual({ sk: 'A', ...Object.fromEntries(Object.entries(RICH).filter(([, v]) => v !== undefined)) });
    expect(got.Item?.bytes).toBeInstanceOf(Uint8Array);

    await both(async (client, side) =>
      withoutMetadata(
        await client.update({
          TableName: table,
          Key: { pk: `rich-${side}`, sk: 'A' },
          UpdateExpression: 'SET #count = #count + :one, bytes = :bytes REMOVE nothing',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':bytes': new Uint8Array([4, 2]) },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    ).then((updated) => {
      expect(updated.Attributes).toMatchObject({ count: 43, bytes: new Uint8Array([4, 2]) });
      expect(updated.Attributes).not.toHaveProperty('nothing');
    });

    const deleted = await both(async (client, side) =>
      withoutMetadata(await client.delete({ TableName: table, Key: { pk: `rich-${side}`, sk: 'A' }, ReturnValues: 'ALL_OLD' })),
    );
    expect(deleted.Attributes?.count).toBe(43);
    expect(
      await both(async (client, side) => (await client.get({ TableName: table, Key: { pk: `rich-${side}`, sk: 'A' }, ConsistentRead: true })).Item),
    ).toBeUndefined();
  });

  it('query and scan page with ExclusiveStartKey and answer the same pages', async () => {
    const pages = await both(async (client, side) => {
      for (let i = 0; i < 5; i++) await client.put({ TableName: table, Item: { pk: `paged-${side}`, sk: `ITEM#${i}`, i } });
      const seen: unknown[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.query({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `paged-${side}`, ':prefix': 'ITEM#' },
          ConsistentRead: true,
          Limit: 2,
          ExclusiveStartKey: startKey,
        });
        seen.push((page.Items ?? []).map((item) => item.i));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return seen;
    });
    expect(pages).toEqual([[0, 1], [2, 3], [4]]);

    const scanned = await both(async (client, side) => {
      const page = await client.scan({
        TableName: table,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `paged-${side}` },
        ConsistentRead: true,
      });
      return (page.Items ?? []).map((item) => item.i).sort();
    });
    expect(scanned).toEqual([0, 1, 2, 3, 4]);
  });

  it('batchWrite and batchGet move the same items', async () => {
    const read = await both(async (client, side) => {
      const written = await client.batchWrite({
        RequestItems: {
          [table]: [
            { PutRequest: { Item: { pk: `batch-${side}`, sk: '1', bytes: new Uint8Array([1]) } } },
            { PutRequest: { Item: { pk: `batch-${side}`, sk: '2', n: 2 } } },
            { PutRequest: { Item: { pk: `batch-${side}`, sk: '3', n: 3 } } },
          ],
        },
      });
      expect(written.UnprocessedItems ?? {}).toEqual({});
      await client.batchWrite({ RequestItems: { [table]: [{ DeleteRequest: { Key: { pk: `batch-${side}`, sk: '3' } } }] } });
      const got = await client.batchGet({
        RequestItems: { [table]: { Keys: ['1', '2', '3'].map((sk) => ({ pk: `batch-${side}`, sk })), ConsistentRead: true } },
      });
      expect(got.UnprocessedKeys ?? {}).toEqual({});
      return (got.Responses?.[table] ?? []).map(({ pk: _pk, ...item }) => item).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    });
    expect(read).toEqual([
      { sk: '1', bytes: new Uint8Array([1]) },
      { sk: '2', n: 2 },
    ]);
  });

  it('transactWrite commits all or nothing and fails with the same TransactionCanceledException', async () => {
    const outcome = await both(async (client, side) => {
      const items = (condition: string) => [
        { Put: { TableName: table, Item: { pk: `tx-${side}`, sk: 'A', v: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Update: { TableName: table, Key: { pk: `tx-${side}`, sk: 'B' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 2 } } },
        { ConditionCheck: { TableName: table, Key: { pk: `tx-${side}`, sk: 'C' }, ConditionExpression: condition } },
      ];
      await client.put({ TableName: table, Item: { pk: `tx-${side}`, sk: 'C', v: 0 } });
      const committed = withoutMetadata(await client.transactWrite({ TransactItems: items('attribute_exists(pk)') }));
      const cancelled = await failure(client.transactWrite({ TransactItems: items('attribute_exists(pk)') }));
      const deleted = await failure(
        client.transactWrite({
          TransactItems: [
            { Delete: { TableName: table, Key: { pk: `tx-${side}`, sk: 'A' }, ConditionExpression: 'v = :nine', ExpressionAttributeValues: { ':nine': 9 } } },
          ],
        }),
      );
      const stored = (await client.get({ TableName: table, Key: { pk: `tx-${side}`, sk: 'A' }, ConsistentRead: true })).Item?.v;
      return { committed, cancelled, deleted, stored };
    });
    expect(outcome.cancelled.name).toBe('TransactionCanceledException');
    expect((outcome.cancelled.CancellationReasons as { Code: string }[]).map((reason) => reason.Code)).toEqual(['ConditionalCheckFailed', 'None', 'None']);
    expect(outcome.stored).toBe(1);
  });

  it('a transaction retried after a lost answer is the same request (one ClientRequestToken) and is applied once', async () => {
    const real = new NodeHttpHandler();
    const bodies: string[] = [];
    const requestHandler = {
      handle: async (...args: Parameters<NodeHttpHandler['handle']>) => {
        bodies.push(String(args[0].body));
        const answer = await real.handle(...args);
        // The first answer is lost after DynamoDB applied the transaction, as a timeout or a reset would lose it.
        if (bodies.length === 1) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return answer;
      },
    };
    const client = new DynamoDbDocumentClient({ ...LOCAL, endpoint: new URL(process.env.TEST_DYNAMODB_ENDPOINT as string), requestHandler });
    const key = { pk: 'idempotent', sk: 'COUNTER' };
    const output = await client.transactWrite({
      TransactItems: [{ Update: { TableName: table, Key: key, UpdateExpression: 'ADD applied :one', ExpressionAttributeValues: { ':one': 1 } } }],
    });
    expect(output.$metadata.attempts).toBe(2);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    expect(JSON.parse(bodies[0]).ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.get({ TableName: table, Key: key, ConsistentRead: true })).Item?.applied).toBe(1);
  });

  it('answers service errors with the same name and message', async () => {
    const conditional = await both((client, side) =>
      failure(client.put({ TableName: table, Item: { pk: `cond-${side}`, sk: 'A' }, ConditionExpression: 'attribute_exists(pk)' })),
    );
    expect(conditional.name).toBe('ConditionalCheckFailedException');
    const invalid = await both((client) => failure(client.get({ TableName: table, Key: { pk: 'only-half-a-key' } })));
    expect(invalid.name).toBe('ValidationException');
    const missing = await both((client) => failure(client.get({ TableName: `${table}-absent`, Key: { pk: 'a', sk: 'b' } })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });
});

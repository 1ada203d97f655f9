import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createTable } from '../../../local/emulators/create-table';
import { TABLE_SCHEMA } from '../../../src/storage/table-schema';
import { createTestTable, testDocumentClient, testDynamoClient } from '../../support/emulators';

describe('DynamoDB Local started by the global setup', () => {
  let tableName: string;

  beforeAll(async () => {
    tableName = await createTestTable();
  });

  it('answers on the endpoint the global setup exported, from one database for all credentials', async () => {
    expect(process.env.TEST_DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const tables = await testDynamoClient().send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain(tableName);
  });

  it('creates the table from TABLE_SCHEMA: string pk/sk keys, on-demand billing', async () => {
    const { Table } = await testDynamoClient().send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
      ]),
    );
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('enables TTL on the schema attribute', async () => {
    const ttl = await testDynamoClient().send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: TABLE_SCHEMA.timeToLiveAttribute,
    });
  });

  it('createTable is idempotent on an existing table', async () => {
    await expect(createTable(testDynamoClient(), tableName)).resolves.toBeUndefined();
    const ttl = await testDynamoClient().send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
  });

  it('honours attribute_not_exists: the first conditional put wins, the second fails', async () => {
    const put = (owner: string) =>
      testDynamoClient().send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: 'DEVICE#d-1' }, sk: { S: 'PROFILE' }, owner: { S: owner } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );

    await put('first');
    await expect(put('second')).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });

    const stored = await testDocumentClient().send(new GetCommand({ TableName: tableName, Key: { pk: 'DEVICE#d-1', sk: 'PROFILE' } }));
    expect(stored.Item).toEqual({ pk: 'DEVICE#d-1', sk: 'PROFILE', owner: 'first' });
  });
});

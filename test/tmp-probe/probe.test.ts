import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRevocationRepository } from '../../src/storage/dynamo-revocation-repository';
import { keys } from '../../src/storage/keys';
import { createTestTable, testDocumentClient } from '../support/emulators';

it('times', async () => {
  const db = testDocumentClient();
  const t = await createTestTable();
  await db.send(new PutCommand({ TableName: t, Item: { ...keys.pool('p'), type: 'pool' } }));
  const repo = new DynamoRevocationRepository(db, t);
  const entries = Array.from({ length: 50_000 }, (_, i) => ({ serialNumberHex: randomBytes(20).toString('hex').replace(/^0+/, ''), revocationDate: new Date(), ...(i % 3 === 0 ? { reason: 'keyCompromise' as const } : {}) }));
  for (const n of ['1', '2']) {
    const start = Date.now();
    await repo.putCrl('p', { id: 'a'.repeat(64), issuer: 'CN=x', thisUpdate: `2030-06-0${n}T00:00:00.000Z`, nextUpdate: '2030-07-01T00:00:00.000Z', revokedCount: 50000, sha256: 'f'.repeat(64), uploadedAt: 'x' }, entries);
    const { Item } = await (await import('@aws-sdk/lib-dynamodb')).GetCommand.prototype.constructor === undefined ? { Item: undefined } : await db.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: t, Key: keys.crl('p', 'a'.repeat(64)) }));
    console.log(n, Date.now() - start, 'ms', Item?.bucketCount);
  }
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { testDocumentClient, testS3Client } from '../../support/emulators';
import type { TestIdp } from '../../support/test-idp';

const run = promisify(execFile);

/** One part of a multipart form: a file (with a filename) or a plain field. */
export interface FormPart {
  field: string;
  content: string | Uint8Array;
  filename?: string;
}

export const certificatesPath = (clientPoolId: string) => `/api/internal/${clientPoolId}/certificates`;

/** A multipart/form-data POST the way a browser or an HTTP library sends it. */
export function uploadParts(idp: TestIdp, clientPoolId: string, parts: readonly FormPart[], apiKey?: string | null): Promise<Response> {
  const form = new FormData();
  for (const part of parts) {
    if (part.filename === undefined) form.append(part.field, typeof part.content === 'string' ? part.content : Buffer.from(part.content).toString());
    else form.append(part.field, new Blob([typeof part.content === 'string' ? part.content : new Uint8Array(part.content)]), part.filename);
  }
  return idp.request(certificatesPath(clientPoolId), { method: 'POST', body: form, apiKey });
}

export function uploadFile(idp: TestIdp, clientPoolId: string, content: string | Uint8Array, filename = 'root-ca.crt', apiKey?: string | null) {
  return uploadParts(idp, clientPoolId, [{ field: 'certificate', content, filename }], apiKey);
}

/** The seed's exact command: `curl -s -w '%{http_code}' -X POST … -F "certificate=@<file>"`, run in `cwd`. */
export async function curlUpload(url: string, apiKey: string, file: string, cwd: string): Promise<{ status: number; body: unknown }> {
  const { stdout } = await run('curl', ['-s', '-w', '%{http_code}', '-X', 'POST', url, '-H', `X-API-Key: ${apiKey}`, '-F', `certificate=@${file}`], { cwd });
  return { status: Number(stdout.slice(-3)), body: JSON.parse(stdout.slice(0, -3)) };
}

/** Lowercase hex SHA-256 of the DER inside a one-certificate PEM (docs/contract.md §3). */
export function pemFingerprint(pem: string): string {
  const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
}

/** The pool's ROOT# items, read straight from DynamoDB. */
export async function storedRoots(tableName: string, clientPoolId: string): Promise<Record<string, unknown>[]> {
  const result = await testDocumentClient().send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :root)',
      ExpressionAttributeValues: { ':pk': `POOL#${clientPoolId}`, ':root': 'ROOT#' },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

export async function allItems(tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await testDocumentClient().send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export async function bucketKeys(bucketName: string): Promise<string[]> {
  const result = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucketName }));
  return (result.Contents ?? []).map((object) => object.Key ?? '');
}

/** "Nothing stored" means both stores: no ROOT# item for the pool and no object in the bucket. */
export async function storedCertificateState(idp: TestIdp, clientPoolId: string) {
  const [roots, objects] = await Promise.all([storedRoots(idp.tableName, clientPoolId), bucketKeys(idp.bucketName)]);
  return { roots: roots.length, objects };
}

export async function errorOf(response: Response): Promise<{ status: number; error: unknown }> {
  const body = (await response.json()) as { error?: unknown; message?: unknown };
  expect(typeof body.message).toBe('string');
  return { status: response.status, error: body.error };
}

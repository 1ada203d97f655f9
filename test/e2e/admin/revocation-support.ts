import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { testDocumentClient } from '../../support/emulators';
import type { TestIdp } from '../../support/test-idp';
import type { FormPart } from './support';

const run = promisify(execFile);

export const revocationsPath = (clientPoolId: string) => `/api/internal/${clientPoolId}/revocations`;
export const crlsPath = (clientPoolId: string) => `/api/internal/${clientPoolId}/crls`;

/** POST .../revocations with a JSON body. */
export function revoke(idp: TestIdp, clientPoolId: string, body: unknown, apiKey?: string | null): Promise<Response> {
  return idp.request(revocationsPath(clientPoolId), { method: 'POST', json: body, apiKey });
}

/** POST .../crls as multipart/form-data: files have a filename, plain fields do not. */
export function uploadCrlParts(idp: TestIdp, clientPoolId: string, parts: readonly FormPart[], apiKey?: string | null): Promise<Response> {
  const form = new FormData();
  for (const part of parts) {
    const bytes = typeof part.content === 'string' ? Buffer.from(part.content) : Buffer.from(part.content);
    if (part.filename === undefined) form.append(part.field, bytes.toString('utf8'));
    else form.append(part.field, new Blob([new Uint8Array(bytes)]), part.filename);
  }
  return idp.request(crlsPath(clientPoolId), { method: 'POST', body: form, apiKey });
}

export function uploadCrl(idp: TestIdp, clientPoolId: string, crl: string | Uint8Array, issuer?: string | Uint8Array, apiKey?: string | null) {
  const parts: FormPart[] = [{ field: 'crl', content: crl, filename: 'crl.pem' }];
  if (issuer !== undefined) parts.push({ field: 'issuer', content: issuer, filename: 'intermediate-ca.crt' });
  return uploadCrlParts(idp, clientPoolId, parts, apiKey);
}

/** The README's command: `curl -X POST … -F "crl=@crl.pem" [-F "issuer=@intermediate-ca.crt"]`, run in `cwd`. */
export async function curlCrl(
  idp: TestIdp,
  clientPoolId: string,
  cwd: string,
  files: { crl: string; issuer?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const args = [
    '-s',
    '-w',
    '%{http_code}',
    '-X',
    'POST',
    `${idp.baseUrl}${crlsPath(clientPoolId)}`,
    '-H',
    `X-API-Key: ${idp.adminApiKey}`,
    '-F',
    `crl=@${files.crl}`,
  ];
  if (files.issuer !== undefined) args.push('-F', `issuer=@${files.issuer}`);
  const { stdout } = await run('curl', args, { cwd });
  return { status: Number(stdout.slice(-3)), body: JSON.parse(stdout.slice(0, -3)) as Record<string, unknown> };
}

/** The pool's items whose sort key starts with `prefix`, straight from DynamoDB. */
export async function poolItems(tableName: string, clientPoolId: string, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await testDocumentClient().send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `POOL#${clientPoolId}`, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export async function trustEpoch(tableName: string, clientPoolId: string): Promise<number> {
  const result = await testDocumentClient().send(
    new GetCommand({ TableName: tableName, Key: { pk: `POOL#${clientPoolId}`, sk: 'POOL' }, ConsistentRead: true }),
  );
  return Number(result.Item?.trustEpoch ?? 0);
}

/** Everything docs/contract.md §3.4 stores for a pool, and its trustEpoch: "nothing stored" compares two of these. */
export async function revocationState(idp: TestIdp, clientPoolId: string) {
  const [revoked, identities, legacyCrls, scopes, legacyBuckets, buckets, epoch] = await Promise.all([
    poolItems(idp.tableName, clientPoolId, 'REVOKED#'),
    revocationIdentityItems(idp.tableName, clientPoolId),
    poolItems(idp.tableName, clientPoolId, 'CRL#'),
    poolItems(idp.tableName, clientPoolId, 'CRLSCOPE#'),
    poolItems(idp.tableName, clientPoolId, 'CRLENTRIES#'),
    poolItems(idp.tableName, clientPoolId, 'CRLSCOPEENTRIES#'),
    trustEpoch(idp.tableName, clientPoolId),
  ]);
  // A CRL is a legacy CRL# item, or one crl_{signer} attribute of its scope's CRLSCOPE# item (src/storage/crl-items.ts).
  const scoped = scopes.flatMap((scope) =>
    Object.entries(scope)
      .filter(([name]) => name.startsWith('crl_'))
      .map(([name, crl]) => `${String(scope.sk)}/${name}@${String((crl as Record<string, unknown>).crlId)}`),
  );
  const crls = [...legacyCrls.map((i) => `${String(i.sk)}@${String(i.crlId)}`), ...scoped].sort();
  return { revoked: revoked.map((i) => i.sk).sort(), identities, crls, buckets: legacyBuckets.length + buckets.length, epoch };
}

/** The identity items of PEM revocations (REVOKEDSERIAL#, REVOKEDKEY#), as `sk → revocation ids`, sorted. */
export async function revocationIdentityItems(tableName: string, clientPoolId: string): Promise<Array<[string, string[]]>> {
  const items = [...(await poolItems(tableName, clientPoolId, 'REVOKEDSERIAL#')), ...(await poolItems(tableName, clientPoolId, 'REVOKEDKEY#'))];
  return items.map((i): [string, string[]] => [String(i.sk), [...(i.revocationIds as Set<string>)].sort()]).sort(([a], [b]) => a.localeCompare(b));
}

/** An org-scoped key of `orgId`, made with the admin key. */
export async function orgApiKey(idp: TestIdp, orgId: string): Promise<string> {
  const response = await idp.request(`/api/internal/org/${orgId}/api-keys`, { method: 'POST' });
  if (response.status !== 201) throw new Error(`creating an org key failed: ${response.status}`);
  return ((await response.json()) as { apiKey: string }).apiKey;
}

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { openApiDocument } from '../../../src/http/openapi/document';
import { keys } from '../../../src/storage/keys';
import { testDocumentClient } from '../../support/emulators';
import { type CheckedResponse, OpenApiRecorder } from '../../support/openapi-recorder';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { orgApiKey } from './revocation-support';

/*
 * docs/contract.md §3.3 fleet inventory: GET .../device?limit=&cursor=&status=, over real
 * HTTP against the local IDP; every answer is also checked against the
 * OpenAPI description.
 */
const LIST = 'GET /api/internal/org/{orgId}/env/{envId}/device';

interface DevicePage {
  devices: Array<{ deviceId: string; status: string; preRegistered: boolean }>;
  nextCursor: string | null;
}

describe('fleet inventory (GET .../device)', () => {
  let idp: TestIdp;
  let recorder: OpenApiRecorder;
  let env: EnvironmentInfo;
  let other: EnvironmentInfo;

  const devicePath = (at: EnvironmentInfo, deviceId = '') => `/api/internal/org/${at.orgId}/env/${at.envId}/device${deviceId && `/${deviceId}`}`;
  const list = async (at: EnvironmentInfo, query = '', apiKey?: string): Promise<CheckedResponse> =>
    recorder.record(LIST, await idp.request(`${devicePath(at)}${query && `?${query}`}`, { apiKey }));
  const page = async (at: EnvironmentInfo, query: string): Promise<DevicePage> => {
    const answer = await list(at, query);
    expect(answer.status).toBe(200);
    return answer.body as DevicePage;
  };
  /** Every page, following nextCursor; the ids of each. */
  const walk = async (at: EnvironmentInfo, query: string): Promise<string[][]> => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const next: DevicePage = await page(at, `${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      pages.push(next.devices.map((device) => device.deviceId));
      cursor = next.nextCursor;
      expect(pages.length).toBeLessThan(20);
    } while (cursor !== null);
    return pages;
  };
  const register = async (at: EnvironmentInfo, id: string) => expect((await idp.request(devicePath(at), { method: 'POST', json: { id } })).status).toBe(201);
  const refusal = async (answer: CheckedResponse | Promise<CheckedResponse>) => {
    const { status, body } = await answer;
    return [status, (body as { error?: string }).error];
  };

  beforeAll(async () => {
    idp = await startTestIdp();
    recorder = new OpenApiRecorder(openApiDocument({ serverUrl: idp.baseUrl }));
    env = await idp.createEnvironment();
    other = await idp.createEnvironment();
    for (const id of ['d-01', 'd-02', 'd-03', 'd-04', 'd-05', 'd-06']) await register(env, id);
    expect((await idp.request(devicePath(env, 'd-04'), { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    // Bindings share the partition (BINDING#...): they must never be listed as devices.
    for (const id of ['d-02', 'd-05']) {
      expect((await idp.request(`${devicePath(env, id)}/app`, { method: 'POST', json: { clientAppId: 'client', scopes: ['device'] } })).status).toBe(201);
    }
    // A record written before devices had a status: active (src/storage/device-items.ts).
    await testDocumentClient().send(
      new PutCommand({
        TableName: idp.tableName,
        Item: {
          ...keys.device(env.clientPoolId, 'd-07'),
          type: 'device',
          deviceId: 'd-07',
          orgId: env.orgId,
          envId: env.envId,
          preRegistered: true,
          createdAt: new Date().toISOString(),
        },
      }),
    );
    await register(other, 'o-01');
  });
  afterAll(() => idp?.stop());

  it('pages 7 devices 3 at a time, in device-id order, bindings never listed', async () => {
    expect(await walk(env, 'limit=3')).toEqual([['d-01', 'd-02', 'd-03'], ['d-04', 'd-05', 'd-06'], ['d-07']]);
    const first = await page(env, 'limit=3');
    expect(first.devices[0]).toEqual({
      deviceId: 'd-01',
      orgId: env.orgId,
      envId: env.envId,
      preRegistered: true,
      status: 'active',
      createdAt: expect.any(String),
    });
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('filters by status while still filling pages up to limit', async () => {
    expect(await walk(env, 'limit=3&status=active')).toEqual([
      ['d-01', 'd-02', 'd-03'],
      ['d-05', 'd-06', 'd-07'],
    ]);
    expect(await walk(env, 'limit=3&status=disabled')).toEqual([['d-04']]);
    const disabled = await page(env, 'status=disabled');
    expect(disabled.devices.map((device) => [device.deviceId, device.status])).toEqual([['d-04', 'disabled']]);
  });

  it('lists 100 by default (docs/contract.md §3.3) and accepts limits 1 to 1000', async () => {
    expect(await page(env, '')).toEqual({ devices: expect.any(Array), nextCursor: null });
    expect((await page(env, '')).devices).toHaveLength(7);
    expect((await page(env, 'limit=1000')).devices).toHaveLength(7);
    expect(await walk(env, 'limit=1')).toHaveLength(7);
    // docs/contract.md §6: query names such as __proto__ are data like any other (here: ignored), never a 5xx.
    expect((await page(env, '__proto__=1&constructor=2&hasOwnProperty=3&limit=2')).devices).toHaveLength(2);
  });

  it.each([['0'], ['1001'], ['-1'], ['abc'], ['1.5'], [''], ['01000x'], ['3&limit=4']])('refuses limit=%s with 400 invalid_limit', async (limit) => {
    expect(await refusal(list(env, `limit=${limit}`))).toEqual([400, 'invalid_limit']);
  });

  it('refuses an unknown status with 400 invalid_status', async () => {
    for (const status of ['enabled', 'ACTIVE', '', 'active&status=disabled'])
      expect(await refusal(list(env, `status=${status}`))).toEqual([400, 'invalid_status']);
  });

  it('refuses altered cursors and cursors of another environment with 400 invalid_cursor', async () => {
    const cursor = (await page(env, 'limit=2')).nextCursor!;
    const foreign = (await page(other, 'limit=1')).nextCursor;
    expect(foreign).toBeNull(); // one device: make another page's cursor with a second one
    await register(other, 'o-02');
    const otherCursor = (await page(other, 'limit=1')).nextCursor!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const flipped = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    for (const bad of [
      otherCursor,
      flipped,
      cursor.slice(0, -3),
      `${cursor}x`,
      'not a cursor',
      forged({ ...decoded, p: 'x'.repeat(22) }),
      forged({ ...decoded, v: 2 }),
      forged({ ...decoded, after: 'bad#id' }),
      forged({ ...decoded, pk: 'POOL#another' }),
      forged([decoded]),
      'A'.repeat(600),
    ]) {
      expect([bad, await refusal(list(env, `cursor=${encodeURIComponent(bad)}`))]).toEqual([bad, [400, 'invalid_cursor']]);
    }
    expect(await refusal(list(env, `cursor=${cursor}&cursor=${cursor}`))).toEqual([400, 'invalid_cursor']);
    // A cursor edited to another position stays inside this environment's partition: it only moves the start.
    expect((await page(env, `limit=2&cursor=${forged({ ...decoded, after: 'd-05' })}`)).devices.map((device) => device.deviceId)).toEqual(['d-06', 'd-07']);
  });

  it('lets an org key list its own organisation only', async () => {
    const key = await orgApiKey(idp, env.orgId);
    expect((await list(env, 'limit=2', key)).status).toBe(200);
    expect(await refusal(list(other, 'limit=2', key))).toEqual([403, 'forbidden']);
    expect(await refusal(list({ ...env, envId: 'nope' }, ''))).toEqual([404, 'env_not_found']);
    expect(await refusal(list(env, '', 'not-a-key-of-this-idp'))).toEqual([401, 'invalid_api_key']);
  });

  it('reads a bounded number of records per page: a sparse filter answers short pages with a cursor', async () => {
    const sparse = await idp.createEnvironment();
    for (let i = 1; i <= 12; i++) await register(sparse, `a-${String(i).padStart(2, '0')}`);
    await register(sparse, 'z-01');
    expect((await idp.request(devicePath(sparse, 'z-01'), { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    // limit=1: each of the 5 queries of a page reads 2 records, so the first page sees a-01..a-10 only.
    const first = await page(sparse, 'limit=1&status=disabled');
    expect(first).toEqual({ devices: [], nextCursor: expect.any(String) });
    const second = await page(sparse, `limit=1&status=disabled&cursor=${first.nextCursor}`);
    expect({ ids: second.devices.map((device) => device.deviceId), nextCursor: second.nextCursor }).toEqual({ ids: ['z-01'], nextCursor: null });
  });

  it('no longer lists a device from the moment its DELETE answered', async () => {
    expect((await idp.request(devicePath(env, 'd-02'), { method: 'DELETE' })).status).toBe(204);
    expect(await walk(env, 'limit=3')).toEqual([
      ['d-01', 'd-03', 'd-04'],
      ['d-05', 'd-06', 'd-07'],
    ]);
  });
});

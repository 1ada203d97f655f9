import { tokenRequestBody } from '../../support/device-client';
import {
  type EnrolledDevice,
  expectTokenError,
  type HttpAnswer,
  makeOrganisationPki,
  postToken,
  type TokenAnswer,
  uploadRoot,
} from '../../support/device-fleet';
import { generateKeys, type KeyAlgorithm, makeLeaf } from '../../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { type RejectionWatch, watchUnhandledRejections } from './rejection-watch';
import { deviceItem, jtiItems } from './stored-state';

/**
 * The harness of the table-driven refusal suites: one IDP, one pool with a
 * trusted organisation PKI, and per row a fresh device that was never bound
 * nor provisioned. Each row's attack must be refused with the exact status,
 * OAuth error and domain code, with Cache-Control: no-store, no token, no
 * device record and no consumed jti left behind (read from DynamoDB).
 */
export interface TableContext {
  idp: TestIdp;
  env: EnvironmentInfo;
  /** A second pool of the same IDP (for foreign audiences). */
  otherEnv: EnvironmentInfo;
  pki: Awaited<ReturnType<typeof makeOrganisationPki>>;
  rejections: RejectionWatch;
}

/** What an attack puts on the wire: an assertion (sent in the standard form), or a raw body (optionally to another URL). */
export type Attack = string | { body: string | URLSearchParams | Uint8Array; contentType?: string | null; url?: string };

export interface RefusalRow {
  name: string;
  /** Key of the fresh device the row attacks with (default EC-P256 / ES256). */
  keyAlgorithm?: KeyAlgorithm;
  attack: (device: EnrolledDevice, ctx: TableContext) => Promise<Attack> | Attack;
  status: number;
  error: string;
  code: string;
}

export function refusalTable(title: string, rows: readonly RefusalRow[], extra?: (ctx: () => TableContext) => void): void {
  describe(title, () => {
    let ctx: TableContext;
    let counter = 0;

    beforeAll(async () => {
      const rejections = watchUnhandledRejections();
      const idp = await startTestIdp();
      const [env, otherEnv] = [await idp.createEnvironment(), await idp.createEnvironment()];
      const pki = await makeOrganisationPki('Hostile');
      await uploadRoot(idp, env.clientPoolId, pki.root.pem);
      ctx = { idp, env, otherEnv, pki, rejections };
    });
    afterAll(async () => {
      ctx?.rejections.stop();
      await ctx?.idp.stop();
    });

    it.each(rows.map((row) => ({ ...row, expected: `${row.status} ${row.error} ${row.code}` })))('$name → $expected', async (row) => {
      const device = await freshDevice(ctx.pki, `ghost-${++counter}`, row.keyAlgorithm);
      const jtisBefore = await jtiItems(ctx.idp, ctx.env.clientPoolId);

      const result = await send(ctx.env, await row.attack(device, ctx));

      expectTokenError(result, row.status, row.error, row.code);
      expect(await deviceItem(ctx.idp, ctx.env.clientPoolId, device.deviceId)).toBeUndefined();
      expect(await jtiItems(ctx.idp, ctx.env.clientPoolId)).toEqual(jtisBefore);
    });

    extra?.(() => ctx);

    it('left no unhandled promise rejection behind', () => {
      expect(ctx.rejections.rejections).toEqual([]);
    });
  });
}

const keyCache = new Map<KeyAlgorithm, Promise<CryptoKeyPair>>();

/**
 * A new device certificate (own CN and serial) under the pool's PKI. Key
 * pairs are reused per algorithm: RSA generation would dominate the run, and
 * no row depends on a key being unique.
 */
async function freshDevice(pki: TableContext['pki'], deviceId: string, keyAlgorithm: KeyAlgorithm = 'EC-P256'): Promise<EnrolledDevice> {
  if (!keyCache.has(keyAlgorithm)) keyCache.set(keyAlgorithm, generateKeys(keyAlgorithm));
  const keys = await keyCache.get(keyAlgorithm)!;
  const device = await makeLeaf(pki.intermediate, { cn: deviceId, o: 'Business Unit 1', keys });
  const alg = keyAlgorithm.startsWith('RSA') ? 'RS256' : ({ 'EC-P256': 'ES256', 'EC-P384': 'ES384', 'EC-P521': 'ES512' } as const)[keyAlgorithm as 'EC-P256'];
  return { deviceId, businessUnit: 'Business Unit 1', root: pki.root, intermediate: pki.intermediate, device, alg };
}

export async function send(env: EnvironmentInfo, attack: Attack): Promise<HttpAnswer<TokenAnswer>> {
  if (typeof attack === 'string') return postToken(env.tokenEndpoint, tokenRequestBody(attack));
  const headers: Record<string, string> = attack.contentType === null ? {} : { 'Content-Type': attack.contentType ?? 'application/x-www-form-urlencoded' };
  const body = attack.body instanceof Uint8Array ? new Uint8Array(attack.body) : attack.body.toString();
  const response = await fetch(attack.url ?? env.tokenEndpoint, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: expectTokenError then fails on the shape
  }
  return { status: response.status, headers: response.headers, body: parsed as TokenAnswer };
}

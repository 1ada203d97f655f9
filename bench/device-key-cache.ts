import { createPrivateKey, createPublicKey } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeys } from '../test/support/pki';

const CACHE_DIR = resolve(__dirname, '..', '.cache', 'bench');
const RSA_PARAMS = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/**
 * `count` distinct RSA-2048 key pairs for device certificates. Generating
 * them is most of the bench's set-up time (hundreds of RSA key generations),
 * so they are kept between runs in .cache/bench (git-ignored, PKCS#8, mode
 * 0600) and only the missing ones are generated. Only the keys are kept: the
 * certificates are issued afresh on every run under that run's CA keys, and
 * within a run every device still has a key of its own. Throwaway keys: they
 * never sign anything but bench assertions. BENCH_FRESH_KEYS=1 ignores the cache.
 */
export async function rsaDeviceKeys(count: number, fresh = process.env.BENCH_FRESH_KEYS === '1'): Promise<CryptoKeyPair[]> {
  const file = join(CACHE_DIR, 'rsa2048-device-keys.pkcs8.b64');
  // A line cut short (an interrupted write) is skipped, and a key generated in its place.
  const settled = await Promise.allSettled((fresh ? [] : readLines(file)).map(importKeyPair));
  const cached = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : [])).slice(0, count);
  const missing = count - cached.length;
  const generated = await Promise.all(Array.from({ length: missing }, () => generateKeys('RSA-2048')));
  if (generated.length > 0 && !fresh) {
    mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
    const lines = await Promise.all(generated.map(async (keys) => Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64')));
    appendFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return [...cached, ...generated];
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function importKeyPair(pkcs8Base64: string): Promise<CryptoKeyPair> {
  const pkcs8 = Buffer.from(pkcs8Base64, 'base64');
  const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('pkcs8', pkcs8, RSA_PARAMS, true, ['sign']),
    crypto.subtle.importKey('spki', spki, RSA_PARAMS, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

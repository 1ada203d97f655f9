import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEY_SPECS } from './key-specs';

/**
 * Keys of the local KMS, one file per key: `<dataDir>/kms/<keyId>.json`
 * (mode 0600, holding the PKCS#8 PEM private key), aliases in
 * `<dataDir>/kms/aliases.json`. Everything is loaded at start; a file that
 * cannot be read fails the start instead of silently losing a signing key.
 */
export const ACCOUNT_ID = '000000000000';

export interface LocalKey {
  keyId: string;
  arn: string;
  keySpec: string;
  keyUsage: 'SIGN_VERIFY';
  description: string;
  /** Epoch seconds, the JSON protocol's timestamp format. */
  creationDate: number;
  privateKey: KeyObject;
  publicKeyDer: Buffer;
}

const KEY_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;
const KEY_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:(alias\/.+)$/;

export class KeyStore {
  private readonly keys = new Map<string, LocalKey>();
  private readonly aliases = new Map<string, string>();
  private aliasWrites: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<KeyStore> {
    const store = new KeyStore(join(dataDir, 'kms'));
    await mkdir(store.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(store.dir)) {
      if (!KEY_FILE.test(name)) continue;
      const key = parseKeyFile(await readFile(join(store.dir, name), 'utf8'), name);
      store.keys.set(key.keyId, key);
    }
    const aliases = await readFile(join(store.dir, 'aliases.json'), 'utf8').catch(ignoreMissing);
    for (const [alias, keyId] of Object.entries(aliases ? parseAliases(aliases) : {})) {
      store.aliases.set(alias, keyId);
    }
    return store;
  }

  async createKey(input: { keySpec: string; description: string; region: string; privateKey: KeyObject }): Promise<LocalKey> {
    const keyId = randomUUID();
    const key: LocalKey = {
      keyId,
      arn: `arn:aws:kms:${input.region}:${ACCOUNT_ID}:key/${keyId}`,
      keySpec: input.keySpec,
      keyUsage: 'SIGN_VERIFY',
      description: input.description,
      creationDate: Date.now() / 1000,
      privateKey: input.privateKey,
      publicKeyDer: publicDer(input.privateKey),
    };
    const { privateKey, publicKeyDer: _derived, ...metadata } = key;
    const file = { ...metadata, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) };
    await writePrivateFile(join(this.dir, `${keyId}.json`), JSON.stringify(file, null, 2));
    this.keys.set(keyId, key);
    return key;
  }

  /** Resolves a key id, key ARN, alias name or alias ARN, as KMS does. */
  resolve(identifier: string): LocalKey | undefined {
    const aliasName = identifier.startsWith('alias/') ? identifier : ALIAS_ARN.exec(identifier)?.[1];
    if (aliasName !== undefined) {
      const target = this.aliases.get(aliasName);
      return target === undefined ? undefined : this.keys.get(target);
    }
    const fromArn = KEY_ARN.exec(identifier)?.[1];
    const key = this.keys.get(fromArn ?? identifier);
    return key && (fromArn === undefined || key.arn === identifier) ? key : undefined;
  }

  hasAlias(aliasName: string): boolean {
    return this.aliases.has(aliasName);
  }

  async createAlias(aliasName: string, keyId: string): Promise<void> {
    this.aliases.set(aliasName, keyId);
    // Writes are chained and each writes the then-current map, so the last one wins with all aliases.
    const write = this.aliasWrites.then(() =>
      writePrivateFile(join(this.dir, 'aliases.json'), JSON.stringify(Object.fromEntries(this.aliases), null, 2)),
    );
    this.aliasWrites = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      this.aliases.delete(aliasName);
      throw error;
    }
  }
}

function parseKeyFile(text: string, name: string): LocalKey {
  try {
    const file = JSON.parse(text) as Omit<LocalKey, 'privateKey' | 'publicKeyDer'> & { privateKeyPem: string };
    if (`${file.keyId}.json` !== name || !KEY_SPECS[file.keySpec] || typeof file.arn !== 'string') {
      throw new Error('inconsistent metadata');
    }
    const privateKey = createPrivateKey({ key: file.privateKeyPem, format: 'pem' });
    const { privateKeyPem: _pem, ...metadata } = file;
    return { ...metadata, privateKey, publicKeyDer: publicDer(privateKey) };
  } catch (cause) {
    throw new Error(`local KMS: cannot load key file ${name}`, { cause });
  }
}

function parseAliases(text: string): Record<string, string> {
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch (cause) {
    throw new Error('local KMS: cannot load aliases.json', { cause });
  }
}

function publicDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
}

async function writePrivateFile(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  await rename(temp, path);
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

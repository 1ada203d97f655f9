import { type KeyObject, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type AliasEntry, type LocalKey, parseAliases, parseKeyFile, publicDer, serializeAliases, serializeKey, type Tag, writePrivateFile } from './key-files';

export type { AliasEntry, KeyState, LocalKey, Tag } from './key-files';

/**
 * Keys of the local KMS, one file per key: `<dataDir>/kms/<keyId>.json`
 * (mode 0600: metadata, key state, tags and the PKCS#8 PEM private key),
 * aliases in `<dataDir>/kms/aliases.json`. Everything is loaded at start; a
 * file that cannot be read fails the start instead of silently losing a
 * signing key. Keys are never deleted: PendingDeletion is a state like any other.
 *
 * Every change goes through one queue and is written before it becomes
 * visible, so a check-then-change (e.g. "not already pending deletion") sees
 * the latest state and a failed write changes nothing.
 */
export const ACCOUNT_ID = '000000000000';

const KEY_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;
const KEY_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:(alias\/.+)$/;

/** An alias name (`alias/...`) or alias ARN, as opposed to a key id or key ARN. */
export function isAliasIdentifier(identifier: string): boolean {
  return identifier.startsWith('alias/') || ALIAS_ARN.test(identifier);
}

/** Aliases live in the account and region of their key. */
export function aliasArn(aliasName: string, key: LocalKey): string {
  return key.arn.replace(/:key\/.*$/, `:${aliasName}`);
}

export class KeyStore {
  private readonly keys = new Map<string, LocalKey>();
  private aliases = new Map<string, AliasEntry>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<KeyStore> {
    const store = new KeyStore(join(dataDir, 'kms'));
    await mkdir(store.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(store.dir)) {
      if (!KEY_FILE.test(name)) continue;
      const key = parseKeyFile(await readFile(join(store.dir, name), 'utf8'), name);
      store.keys.set(key.keyId, key);
    }
    const aliasFile = join(store.dir, 'aliases.json');
    const aliases = await readFile(aliasFile, 'utf8').catch(ignoreMissing);
    if (aliases !== undefined) store.aliases = parseAliases(aliases, (await stat(aliasFile)).mtimeMs / 1000);
    return store;
  }

  async createKey(input: { keySpec: string; description: string; region: string; privateKey: KeyObject; tags: readonly Tag[] }): Promise<LocalKey> {
    const keyId = randomUUID();
    const key: LocalKey = {
      keyId,
      arn: `arn:aws:kms:${input.region}:${ACCOUNT_ID}:key/${keyId}`,
      keySpec: input.keySpec,
      keyUsage: 'SIGN_VERIFY',
      description: input.description,
      creationDate: Date.now() / 1000,
      keyState: 'Enabled',
      tags: input.tags,
      privateKey: input.privateKey,
      publicKeyDer: publicDer(input.privateKey),
    };
    return this.exclusive(async () => {
      await writePrivateFile(this.keyPath(keyId), serializeKey(key));
      this.keys.set(keyId, key);
      return key;
    });
  }

  /** Resolves a key id, key ARN, alias name or alias ARN, as KMS does; the ARN's account and region must match. */
  resolve(identifier: string): LocalKey | undefined {
    const aliasName = identifier.startsWith('alias/') ? identifier : ALIAS_ARN.exec(identifier)?.[1];
    if (aliasName !== undefined) {
      const target = this.aliases.get(aliasName)?.targetKeyId;
      const key = target === undefined ? undefined : this.keys.get(target);
      return key && (aliasName === identifier || aliasArn(aliasName, key) === identifier) ? key : undefined;
    }
    const fromArn = KEY_ARN.exec(identifier)?.[1];
    const key = this.keys.get(fromArn ?? identifier);
    return key && (fromArn === undefined || key.arn === identifier) ? key : undefined;
  }

  key(keyId: string): LocalKey | undefined {
    return this.keys.get(keyId);
  }

  /** Aliases by name, in creation order. */
  aliasEntries(): ReadonlyMap<string, AliasEntry> {
    return this.aliases;
  }

  /**
   * Replaces a key by `change(current)`, evaluated in the queue on the latest
   * version; a throw from `change` (a KmsError) aborts without writing.
   */
  updateKey(keyId: string, change: (current: LocalKey) => LocalKey): Promise<LocalKey> {
    return this.exclusive(async () => {
      const current = this.keys.get(keyId);
      if (!current) throw new Error(`local KMS: no key ${keyId}`);
      const next = change(current);
      if (next === current) return current;
      await writePrivateFile(this.keyPath(keyId), serializeKey(next));
      this.keys.set(keyId, next);
      return next;
    });
  }

  /** Runs `change` on a copy of the aliases in the queue, writes the copy, then makes it current. */
  updateAliases<T>(change: (aliases: Map<string, AliasEntry>) => T): Promise<T> {
    return this.exclusive(async () => {
      const next = new Map(this.aliases);
      const result = change(next);
      await writePrivateFile(join(this.dir, 'aliases.json'), serializeAliases(next));
      this.aliases = next;
      return result;
    });
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private keyPath(keyId: string): string {
    return join(this.dir, `${keyId}.json`);
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

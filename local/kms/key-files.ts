import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { KEY_SPECS } from './key-specs';

/**
 * The on-disk format of the local KMS: one `<keyId>.json` per key (metadata,
 * state, tags and the PKCS#8 PEM private key) and one `aliases.json`. Files
 * written before key states, tags and alias dates existed still load: a key
 * without `keyState` is Enabled with no tags, an alias given as a bare key id
 * gets the file's modification time as its dates.
 */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface LocalKey {
  keyId: string;
  arn: string;
  keySpec: string;
  keyUsage: 'SIGN_VERIFY';
  description: string;
  /** Epoch seconds, the JSON protocol's timestamp format. */
  creationDate: number;
  keyState: KeyState;
  /** Epoch seconds; present exactly when keyState is PendingDeletion. */
  deletionDate?: number;
  /** In the order they were first added, like a KMS tag list. */
  tags: readonly Tag[];
  privateKey: KeyObject;
  publicKeyDer: Buffer;
}

export interface AliasEntry {
  targetKeyId: string;
  /** Epoch seconds. */
  creationDate: number;
  lastUpdatedDate: number;
}

const KEY_STATES: readonly string[] = ['Enabled', 'Disabled', 'PendingDeletion'];

export function serializeKey(key: LocalKey): string {
  const { privateKey, publicKeyDer: _derived, ...metadata } = key;
  return JSON.stringify({ ...metadata, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) }, null, 2);
}

export function parseKeyFile(text: string, name: string): LocalKey {
  try {
    const file = JSON.parse(text) as Omit<LocalKey, 'privateKey' | 'publicKeyDer'> & { privateKeyPem: string };
    if (`${file.keyId}.json` !== name || !KEY_SPECS[file.keySpec] || typeof file.arn !== 'string') {
      throw new Error('inconsistent metadata');
    }
    const keyState = file.keyState ?? 'Enabled';
    const tags = file.tags ?? [];
    if (!KEY_STATES.includes(keyState) || (keyState === 'PendingDeletion') !== (typeof file.deletionDate === 'number')) {
      throw new Error('inconsistent key state');
    }
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag?.TagKey === 'string' && typeof tag.TagValue === 'string')) {
      throw new Error('malformed tags');
    }
    const privateKey = createPrivateKey({ key: file.privateKeyPem, format: 'pem' });
    const { privateKeyPem: _pem, ...metadata } = file;
    return { ...metadata, keyState, tags, privateKey, publicKeyDer: publicDer(privateKey) };
  } catch (cause) {
    throw new Error(`local KMS: cannot load key file ${name}`, { cause });
  }
}

export function serializeAliases(aliases: ReadonlyMap<string, AliasEntry>): string {
  return JSON.stringify(Object.fromEntries(aliases), null, 2);
}

/** `legacyDate` (epoch seconds) dates aliases stored in the old `{ alias: keyId }` form. */
export function parseAliases(text: string, legacyDate: number): Map<string, AliasEntry> {
  try {
    const file = JSON.parse(text) as Record<string, unknown>;
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Error('not an object');
    const aliases = new Map<string, AliasEntry>();
    for (const [name, value] of Object.entries(file)) {
      if (typeof value === 'string') {
        aliases.set(name, { targetKeyId: value, creationDate: legacyDate, lastUpdatedDate: legacyDate });
        continue;
      }
      const entry = value as Partial<AliasEntry> | null;
      if (typeof entry?.targetKeyId !== 'string' || typeof entry.creationDate !== 'number' || typeof entry.lastUpdatedDate !== 'number') {
        throw new Error(`malformed entry ${name}`);
      }
      aliases.set(name, { targetKeyId: entry.targetKeyId, creationDate: entry.creationDate, lastUpdatedDate: entry.lastUpdatedDate });
    }
    return aliases;
  } catch (cause) {
    throw new Error('local KMS: cannot load aliases.json', { cause });
  }
}

export function publicDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
}

/** Write-then-rename, so a reader (or a crash) never sees half a file; mode 0600. */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  await rename(temp, path);
}

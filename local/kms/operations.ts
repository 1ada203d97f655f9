import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { ACCOUNT_ID, type KeyStore, type LocalKey } from './key-store';
import { DIGEST_LENGTH, KEY_SPECS, SIGNING_ALGORITHMS, type KeyGeneration } from './key-specs';
import { KmsError, notFound, validation } from './kms-error';
import { signMessage } from './sign-message';

/** One handler per supported `TrentService.<Operation>`; input is the parsed JSON body. */
export type Operation = (store: KeyStore, input: Record<string, unknown>, region: string) => Promise<object> | object;

/** KMS Sign's documented limit for MessageType RAW. */
const MAX_MESSAGE_BYTES = 4096;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const generate = promisify(generateKeyPair);

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  async CreateKey(store, input, region) {
    const keySpec = optionalString(input, 'KeySpec') ?? optionalString(input, 'CustomerMasterKeySpec');
    const spec = keySpec ? KEY_SPECS[keySpec] : undefined;
    if (!keySpec || !spec) {
      throw validation(`The local KMS only creates asymmetric signing keys; KeySpec must be one of ${Object.keys(KEY_SPECS).join(', ')}`);
    }
    if (optionalString(input, 'KeyUsage') !== 'SIGN_VERIFY') throw validation(`KeyUsage must be SIGN_VERIFY for KeySpec ${keySpec}`);
    const origin = optionalString(input, 'Origin');
    if (origin !== undefined && origin !== 'AWS_KMS') throw new KmsError('UnsupportedOperationException', `Origin ${origin} is not supported`);
    const description = optionalString(input, 'Description') ?? '';
    if (description.length > 8192) throw validation('Description must be at most 8192 characters');
    const privateKey = await generatePrivateKey(spec.generation);
    return { KeyMetadata: keyMetadata(await store.createKey({ keySpec, description, region, privateKey })) };
  },

  DescribeKey(store, input) {
    return { KeyMetadata: keyMetadata(requireKey(store, input)) };
  },

  GetPublicKey(store, input) {
    const key = requireKey(store, input);
    return {
      KeyId: key.arn,
      PublicKey: key.publicKeyDer.toString('base64'),
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      SigningAlgorithms: KEY_SPECS[key.keySpec].signingAlgorithms,
    };
  },

  Sign(store, input) {
    const key = requireKey(store, input);
    const algorithmName = requiredString(input, 'SigningAlgorithm');
    const algorithm = SIGNING_ALGORITHMS[algorithmName];
    if (!algorithm) throw validation(`Value '${algorithmName}' at 'signingAlgorithm' failed to satisfy constraint`);
    if (!KEY_SPECS[key.keySpec].signingAlgorithms.includes(algorithmName)) {
      throw new KmsError('InvalidKeyUsageException', `${algorithmName} is not a valid signing algorithm for ${key.keySpec} key ${key.arn}`);
    }
    const messageType = optionalString(input, 'MessageType') ?? 'RAW';
    if (messageType !== 'RAW' && messageType !== 'DIGEST') throw validation(`Value '${messageType}' at 'messageType' failed to satisfy constraint`);
    const message = requiredBlob(input, 'Message');
    if (message.length === 0 || message.length > MAX_MESSAGE_BYTES) {
      throw validation(`Value at 'message' failed to satisfy constraint: Member must have length between 1 and ${MAX_MESSAGE_BYTES}`);
    }
    if (messageType === 'DIGEST' && message.length !== DIGEST_LENGTH[algorithm.digest]) {
      throw validation(`Digest is invalid length for algorithm ${algorithmName}.`);
    }
    const signature = signMessage(key.privateKey, algorithm, message, messageType === 'DIGEST');
    return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithmName };
  },

  async CreateAlias(store, input) {
    const aliasName = requiredString(input, 'AliasName');
    if (aliasName.startsWith('alias/aws/')) throw new KmsError('InvalidAliasNameException', 'alias/aws/ is reserved for AWS managed keys');
    if (!ALIAS_NAME.test(aliasName)) throw validation(`Value '${aliasName}' at 'aliasName' failed to satisfy constraint`);
    const targetKeyId = requiredString(input, 'TargetKeyId');
    const key = targetKeyId.startsWith('alias/') ? undefined : store.resolve(targetKeyId);
    if (!key) throw notFound(targetKeyId);
    if (store.hasAlias(aliasName)) throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasName} already exists`);
    await store.createAlias(aliasName, key.keyId);
    return {};
  },
};

function keyMetadata(key: LocalKey): object {
  return {
    AWSAccountId: ACCOUNT_ID,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate,
    Enabled: true,
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    SigningAlgorithms: KEY_SPECS[key.keySpec].signingAlgorithms,
    MultiRegion: false,
  };
}

function requireKey(store: KeyStore, input: Record<string, unknown>): LocalKey {
  const keyId = requiredString(input, 'KeyId');
  const key = store.resolve(keyId);
  if (!key) throw notFound(keyId);
  return key;
}

async function generatePrivateKey(generation: KeyGeneration): Promise<KeyObject> {
  const pair =
    generation.type === 'ec'
      ? await generate('ec', { namedCurve: generation.namedCurve })
      : await generate('rsa', { modulusLength: generation.modulusLength });
  return pair.privateKey;
}

function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KmsError('SerializationException', `${name} must be a string`);
  return value;
}

function requiredString(input: Record<string, unknown>, name: string): string {
  const value = optionalString(input, name);
  if (!value) throw validation(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function requiredBlob(input: Record<string, unknown>, name: string): Buffer {
  const value = requiredString(input, name);
  if (!BASE64.test(value)) throw new KmsError('SerializationException', `${name} is not valid base64`);
  return Buffer.from(value, 'base64');
}

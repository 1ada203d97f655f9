import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { type Operation, optionalList, optionalString, requiredBlob, requiredString, requireKey } from './input';
import { DIGEST_LENGTH, KEY_SPECS, type KeyGeneration, SIGNING_ALGORITHMS } from './key-specs';
import { assertUsable, keyMetadata } from './key-state';
import { KmsError, validation } from './kms-error';
import { signMessage } from './sign-message';
import { parseTags } from './tags';

/** CreateKey, DescribeKey, GetPublicKey and Sign. */

/** KMS Sign's documented limit for MessageType RAW. */
const MAX_MESSAGE_BYTES = 4096;
const generate = promisify(generateKeyPair);

export const KEY_OPERATIONS: Readonly<Record<string, Operation>> = {
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
    const tags = parseTags(optionalList(input, 'Tags') ?? []);
    const privateKey = await generatePrivateKey(spec.generation);
    // Like KMS: the tags are not in the answer, only in ListResourceTags.
    return { KeyMetadata: keyMetadata(await store.createKey({ keySpec, description, region, privateKey, tags })) };
  },

  /** Any key state: DescribeKey is how a caller finds out the state. */
  DescribeKey(store, input) {
    return { KeyMetadata: keyMetadata(requireKey(store, input, { aliases: true })) };
  },

  GetPublicKey(store, input) {
    const key = requireKey(store, input, { aliases: true });
    assertUsable(key);
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
    const key = requireKey(store, input, { aliases: true });
    assertUsable(key);
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
};

async function generatePrivateKey(generation: KeyGeneration): Promise<KeyObject> {
  const pair =
    generation.type === 'ec' ? await generate('ec', { namedCurve: generation.namedCurve }) : await generate('rsa', { modulusLength: generation.modulusLength });
  return pair.privateKey;
}

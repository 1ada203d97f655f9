import type { DescribeKeyCommandOutput, GetPublicKeyCommandOutput, KeyMetadata, SignCommandOutput } from '@aws-sdk/client-kms';
import type { KmsSigningApi } from '../crypto/kms-signing-api';
import type { CallOptions } from '../storage/document-client';
import { AwsJsonClient, type AwsJsonClientOptions, base64Bytes } from './aws-json-client';

/**
 * The token function's {@link KmsSigningApi} over the KMS JSON protocol
 * (awsJson1_1, target `TrentService`): Sign, GetPublicKey, DescribeKey.
 * Blobs (Message, Signature, PublicKey) travel as base64 and come back as
 * Uint8Array, timestamps (epoch seconds) as Date, as from the SDK.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html
 */
export class KmsSigningClient implements KmsSigningApi {
  private readonly client: AwsJsonClient;

  constructor(options: Partial<Pick<AwsJsonClientOptions, 'region' | 'endpoint' | 'credentials' | 'maxAttempts' | 'requestHandler' | 'trace'>> = {}) {
    this.client = new AwsJsonClient({ ...options, service: 'kms', targetPrefix: 'TrentService', jsonVersion: '1.1' });
  }

  async sign(input: Parameters<KmsSigningApi['sign']>[0], options?: CallOptions): Promise<SignCommandOutput> {
    const { Signature, ...output } = await this.client.call('Sign', input, options);
    return { ...output, Signature: blob(Signature) };
  }

  async getPublicKey(input: Parameters<KmsSigningApi['getPublicKey']>[0], options?: CallOptions): Promise<GetPublicKeyCommandOutput> {
    const { PublicKey, ...output } = await this.client.call('GetPublicKey', input, options);
    return { ...output, PublicKey: blob(PublicKey) };
  }

  async describeKey(input: Parameters<KmsSigningApi['describeKey']>[0], options?: CallOptions): Promise<DescribeKeyCommandOutput> {
    const { KeyMetadata: metadata, ...output } = await this.client.call('DescribeKey', input, options);
    return { ...output, KeyMetadata: metadata === undefined ? undefined : keyMetadata(metadata as Record<string, unknown>) };
  }
}

function blob(value: unknown): Uint8Array | undefined {
  return typeof value === 'string' ? base64Bytes(value) : undefined;
}

const TIMESTAMPS = ['CreationDate', 'DeletionDate', 'ValidTo'] as const;

function keyMetadata(metadata: Record<string, unknown>): KeyMetadata {
  const converted: Record<string, unknown> = { ...metadata };
  for (const field of TIMESTAMPS) if (typeof metadata[field] === 'number') converted[field] = new Date((metadata[field] as number) * 1000);
  return converted as unknown as KeyMetadata;
}

import type {
  DescribeKeyCommandInput,
  DescribeKeyCommandOutput,
  GetPublicKeyCommandInput,
  GetPublicKeyCommandOutput,
  SignCommandInput,
  SignCommandOutput,
} from '@aws-sdk/client-kms';
import type { CallOptions } from '../storage/document-client';

/**
 * The KMS operations a token signer uses, with the SDK's input and output
 * types (`@aws-sdk/client-kms`, imported as types only). The token function
 * uses src/aws-json/kms-signing-client.ts; the SDK's aggregated `KMS` client
 * satisfies this interface as it is (the admin function's, which also
 * creates keys: src/aws-kms-client.ts).
 */
export interface KmsSigningApi {
  sign(input: SignCommandInput, options?: CallOptions): Promise<SignCommandOutput>;
  getPublicKey(input: GetPublicKeyCommandInput, options?: CallOptions): Promise<GetPublicKeyCommandOutput>;
  describeKey(input: DescribeKeyCommandInput, options?: CallOptions): Promise<DescribeKeyCommandOutput>;
}

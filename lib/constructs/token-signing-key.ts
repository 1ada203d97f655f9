import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** ES256 (default) or RS256 access tokens (docs/contract.md §4.5). */
export type SigningKeySpec = 'ECC_NIST_P256' | 'RSA_2048';

export interface TokenSigningKeyProps {
  readonly keySpec?: SigningKeySpec;
  /** Default RETAIN: tokens already issued stay verifiable against the JWKS. */
  readonly removalPolicy?: RemovalPolicy;
}

const KEY_SPECS: Record<SigningKeySpec, KeySpec> = {
  ECC_NIST_P256: KeySpec.ECC_NIST_P256,
  RSA_2048: KeySpec.RSA_2048,
};

/**
 * The stack's shared ("legacy") signing key: pools created before per-pool
 * keys (docs/contract.md §4.6, lib/constructs/pool-signing-keys.ts) sign with it until
 * their first rotation. Never scheduled for deletion by the IDP; a stack
 * deployed fresh leaves it unused.
 */
export class TokenSigningKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: TokenSigningKeyProps = {}) {
    super(scope, id);
    const keySpec = props.keySpec ?? 'ECC_NIST_P256';
    if (!Object.hasOwn(KEY_SPECS, keySpec)) {
      throw new Error(`signingKeySpec must be one of ${Object.keys(KEY_SPECS).join(', ')}, got ${keySpec}`);
    }
    this.key = new Key(this, 'Key', {
      description: `Signs ${Stack.of(this).stackName} device access tokens`,
      keySpec: KEY_SPECS[keySpec],
      keyUsage: KeyUsage.SIGN_VERIFY,
      // KMS has no automatic rotation for asymmetric keys.
      enableKeyRotation: false,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      alias: `alias/${Stack.of(this).stackName}/token-signing`,
    });
  }

  /** Sign plus what is needed to publish the JWKS; nothing that decrypts or administers. */
  grantSigning(grantee: IGrantable): Grant {
    return this.key.grant(grantee, 'kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey');
  }
}

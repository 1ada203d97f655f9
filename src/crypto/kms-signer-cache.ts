import { KmsJwtSigner } from './kms-signer';
import type { KmsSigningApi } from './kms-signing-api';

/** Far more pools than one container serves; past it the least recently used key is loaded again (one GetPublicKey). */
const DEFAULT_CAPACITY = 256;

/**
 * One KmsJwtSigner per key ARN for the life of the container: a KMS key's
 * public key never changes, so its GetPublicKey answer (and kid) is read once.
 * Bounded, least recently used first out.
 */
export class KmsSignerCache {
  private readonly signers = new Map<string, KmsJwtSigner>();

  constructor(
    private readonly kms: KmsSigningApi,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  signer(keyArn: string): KmsJwtSigner {
    let signer = this.signers.get(keyArn);
    if (signer) this.signers.delete(keyArn);
    else signer = new KmsJwtSigner(this.kms, keyArn);
    this.signers.set(keyArn, signer);
    if (this.signers.size > this.capacity) this.signers.delete(this.signers.keys().next().value as string);
    return signer;
  }

  get size(): number {
    return this.signers.size;
  }
}

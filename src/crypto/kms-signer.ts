import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { derToJose } from './ecdsa-der-to-jose';
import { jwkThumbprint } from './jwk-thumbprint';
import type { KmsSigningApi } from './kms-signing-api';
import { SigningError } from './signing-error';
import { type JwsAlg, type SigningKeyProfile, signingKeyProfile } from './signing-key-profile';

/** KMS Sign accepts at most 4096 bytes with MessageType RAW; longer inputs are signed as a digest. */
const KMS_RAW_MESSAGE_LIMIT = 4096;

export interface PublicSigningJwk {
  kty: 'EC' | 'RSA';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid: string;
  alg: JwsAlg;
  use: 'sig';
}

export interface SigningKeyDescription {
  /** Key ARN as returned by KMS (also when the signer was given an alias). */
  keyArn: string;
  keySpec: string;
  alg: JwsAlg;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  jwk: PublicSigningJwk;
}

/** Protected header members chosen by the caller; `alg` and `kid` belong to the signer. */
export type JwsHeaderParams = Record<string, unknown> & { alg?: never; kid?: never };

interface LoadedKey extends SigningKeyDescription {
  profile: SigningKeyProfile;
  publicKey: KeyObject;
}

/**
 * Signs compact JWS with an asymmetric KMS key; the private key never leaves KMS.
 *
 * Errors: the KMS client's errors from GetPublicKey/Sign (named as the SDK
 * names them, src/crypto/kms-signing-api.ts) propagate unchanged, after the
 * client's own retries — service errors (ThrottlingException,
 * KMSInternalException, DependencyTimeoutException, KeyUnavailableException;
 * and NotFoundException, DisabledException, KMSInvalidStateException,
 * AccessDeniedException for a misconfigured key) and network errors
 * (ECONNREFUSED, TimeoutError, ...). All carry `$metadata`; the caller maps
 * them to 503. `SigningError` is thrown for an unusable key spec or a
 * malformed/unverifiable KMS answer; `TypeError` for a header with alg/kid.
 * `sign` either resolves with a token whose signature was verified against the
 * cached public key, or rejects: it never returns a partial token.
 */
export class KmsJwtSigner {
  private loading?: Promise<LoadedKey>;

  constructor(
    private readonly kms: KmsSigningApi,
    private readonly keyId: string,
  ) {}

  async describe(): Promise<SigningKeyDescription> {
    const { profile: _profile, publicKey: _publicKey, ...description } = await this.load();
    return { ...description, jwk: { ...description.jwk } };
  }

  async sign(header: JwsHeaderParams, payload: Record<string, unknown>): Promise<string> {
    if ('alg' in header || 'kid' in header) throw new TypeError('alg and kid are set by the signer');
    const key = await this.load();
    const encodedHeader = base64urlJson({ alg: key.alg, kid: key.kid, ...header });
    const signingInput = `${encodedHeader}.${base64urlJson(payload)}`;
    const signature = await this.signInput(key, Buffer.from(signingInput, 'ascii'));
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  private load(): Promise<LoadedKey> {
    // One GetPublicKey per signer; a failed attempt is not cached so the next request retries.
    this.loading ??= this.fetchKey().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async fetchKey(): Promise<LoadedKey> {
    const out = await this.kms.getPublicKey({ KeyId: this.keyId });
    const profile = signingKeyProfile(out.KeySpec);
    if (out.KeyUsage !== 'SIGN_VERIFY' || !out.SigningAlgorithms?.includes(profile.kmsAlgorithm)) {
      throw new SigningError('unsupported_signing_key', `KMS key ${this.keyId} cannot sign with ${profile.kmsAlgorithm}`);
    }
    if (!out.PublicKey || !out.KeyId) throw new SigningError('invalid_kms_response', 'GetPublicKey returned no key');
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
    } catch (cause) {
      throw new SigningError('invalid_kms_response', 'GetPublicKey returned an unreadable SPKI', { cause });
    }
    const exported = publicKey.export({ format: 'jwk' });
    if (profile.curve ? exported.crv !== profile.curve : exported.kty !== 'RSA') {
      throw new SigningError('invalid_kms_response', `public key does not match key spec ${out.KeySpec}`);
    }
    const kid = jwkThumbprint(exported);
    const jwk: PublicSigningJwk = profile.curve
      ? { kty: 'EC', crv: exported.crv, x: exported.x, y: exported.y, kid, alg: profile.alg, use: 'sig' }
      : { kty: 'RSA', n: exported.n, e: exported.e, kid, alg: profile.alg, use: 'sig' };
    return { keyArn: out.KeyId, keySpec: String(out.KeySpec), alg: profile.alg, kid, jwk, profile, publicKey };
  }

  private async signInput(key: LoadedKey, input: Buffer): Promise<Buffer> {
    const raw = input.length <= KMS_RAW_MESSAGE_LIMIT;
    const out = await this.kms.sign({
      KeyId: key.keyArn,
      SigningAlgorithm: key.profile.kmsAlgorithm,
      MessageType: raw ? 'RAW' : 'DIGEST',
      Message: raw ? input : createHash(key.profile.digest).update(input).digest(),
    });
    if (!out.Signature || out.SigningAlgorithm !== key.profile.kmsAlgorithm) {
      throw new SigningError('invalid_kms_response', 'Sign returned no signature or another algorithm');
    }
    const alg = key.alg;
    let signature: Buffer;
    try {
      signature = alg === 'RS256' ? Buffer.from(out.Signature) : derToJose(out.Signature, alg);
    } catch (cause) {
      throw new SigningError('invalid_kms_response', 'Sign returned a malformed ECDSA signature', { cause });
    }
    // Self-check: a token that no verifier would accept must never leave the IDP.
    const valid = verify(key.profile.digest, input, { key: key.publicKey, dsaEncoding: alg === 'RS256' ? undefined : 'ieee-p1363' }, signature);
    if (!valid) throw new SigningError('invalid_kms_response', 'KMS signature does not verify against the public key');
    return signature;
  }
}

function base64urlJson(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

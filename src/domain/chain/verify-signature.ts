import { constants, verify } from 'node:crypto';
import type { ParsedCertificate } from './parse-certificate';
import { publicKeyObject, publicKeyObjectWithParameters } from './public-key';

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const NODE_HASH = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

/**
 * RFC 5280 §6.1.3 (a)(1): the signature over the exact TBSCertificate bytes
 * verifies with the issuer's public key, using the algorithm named in the
 * certificate (already vetted by the algorithm policy).
 *
 * Node's crypto (OpenSSL) is used rather than WebCrypto: WebCrypto cannot
 * import id-RSASSA-PSS keys (measured on Node 20: "Invalid key type"), and
 * OpenSSL takes the DER ECDSA signature as it appears in the certificate and
 * rejects non-DER encodings of it.
 *
 * `inheritedDsaParameters`: Dss-Parms DER for an issuer DSA key encoded
 * without parameters (RFC 5280 §6.1.4 (f) working_public_key_parameters,
 * RFC 3279 §2.3.2); ignored for any other key.
 */
export function verifyCertificateSignature(subject: ParsedCertificate, issuer: ParsedCertificate, inheritedDsaParameters?: Uint8Array): SignatureCheck {
  const info = subject.signatureAlgorithm;
  if (!info.supported) return { ok: false, reason: `signature algorithm ${info.oid} is not supported` };
  const algorithm = info.algorithm;
  if (subject.signatureValue.unusedBits !== 0) return { ok: false, reason: 'signature BIT STRING has unused bits' };
  const key = issuer.publicKey;
  const compatible =
    (algorithm.scheme === 'ecdsa' && key.kind === 'ec') ||
    (algorithm.scheme === 'rsa-pss' && key.kind === 'rsa') ||
    (algorithm.scheme === 'rsa-pkcs1' && key.kind === 'rsa' && !key.pssOnly) ||
    (algorithm.scheme === 'dsa' && key.kind === 'dsa');
  if (!compatible) return { ok: false, reason: `${algorithm.name} cannot be verified with the issuer's ${key.kind} key` };
  const inherits = key.kind === 'dsa' && key.parametersDer === undefined;
  if (inherits && inheritedDsaParameters === undefined) return { ok: false, reason: "the issuer's DSA key has no parameters to inherit" };
  const keyObject = inherits ? publicKeyObjectWithParameters(issuer, inheritedDsaParameters as Uint8Array) : publicKeyObject(issuer);
  if (keyObject === undefined) return { ok: false, reason: "the issuer's public key cannot be loaded" };
  const options =
    algorithm.scheme === 'rsa-pss' ? { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength } : { key: keyObject };
  try {
    const valid = verify(NODE_HASH[algorithm.hash], subject.tbsDer, options, subject.signatureValue.bytes);
    return valid ? { ok: true } : { ok: false, reason: 'signature does not verify' };
  } catch (error) {
    return { ok: false, reason: `signature does not verify (${(error as Error).message})` };
  }
}

import type { ParsedCertificate } from '../parse-certificate';
import { type ChainFailure, failure } from '../result';
import type { SignatureCache } from '../signature-cache';
import { positionOf } from './check';

/**
 * RFC 5280 §6.1.3 (a)(1): every certificate's signature verifies with the
 * public key of the next one, the last link with the trust anchor's key.
 * Checked from the anchor down, after every cheap check passed. A last link
 * that does not verify means the chain does not lead to this anchor at all
 * (e.g. another pool's root with the same name): `untrusted_root`. Path
 * building normally pre-screens that link, so this is defence in depth.
 */
export function checkSignatures(path: readonly ParsedCertificate[], signatures: SignatureCache): ChainFailure | undefined {
  let workingDsaParameters: Uint8Array | undefined;
  for (let i = path.length - 2; i >= 0; i--) {
    const issuerKey = path[i + 1].publicKey;
    // RFC 5280 §6.1.4 (e), (f): a DSA key without parameters inherits those of the DSA key above it; any other key ends the inheritance.
    workingDsaParameters = issuerKey.kind === 'dsa' ? (issuerKey.parametersDer ?? workingDsaParameters) : undefined;
    const inherited = issuerKey.kind === 'dsa' && issuerKey.parametersDer === undefined ? workingDsaParameters : undefined;
    const result = signatures.verify(path[i], path[i + 1], inherited);
    if (result.ok) continue;
    const subject = positionOf(path, i).label;
    const issuer = positionOf(path, i + 1).label;
    return i === path.length - 2
      ? failure('untrusted_root', `${subject} is not signed by ${issuer}: ${result.reason}`)
      : failure('bad_signature', `${subject} is not signed by ${issuer}: ${result.reason}`);
  }
  return undefined;
}

/**
 * RFC 5280 §6.1 certificate path validation, owned by this project (a
 * strict DER decoder of its own, ./asn1.ts; every decision is a named check
 * in ./checks with a stable code from ./error-codes).
 *
 * Token endpoint (docs/contract.md §4.3, x5c order):
 *   const result = await validateChain({ chain: x5cDer, anchors: poolRootsDer }, devicePolicy(now));
 *   if (!result.valid) -> invalid_grant with result.code; else result.leaf.subjectCN / subjectO /
 *   sha256Base64Url (cnf x5t#S256) and publicKeyObject(result.leaf) for the assertion signature.
 *
 * Conformance runs: { chain: [peer, ...untrustedPool], anchors, intermediates: 'pool' } with a
 * ValidationPolicy built from the case (EKU, key usage, max depth, algorithms).
 */

export { CHAIN_ERROR_CODES, type ChainErrorCode } from './error-codes';
export { KEY_USAGE_BITS, type KeyUsageName } from './extensions';
export {
  CertificateParseError,
  type ParsedCertificate,
  parseCertificate,
  tryParseCertificate,
} from './parse-certificate';
export { decodePemCertificates, encodePemCertificate } from './pem';
export {
  DEFAULT_ALGORITHM_POLICY,
  DEFAULT_PATH_BUILDING_LIMITS,
  devicePolicy,
  EKU_ANY,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  type EkuPolicy,
  type ValidationPolicy,
} from './policy';
export { ANY_POLICY } from './policy-extensions';
export {
  DEFAULT_POLICY_INPUTS,
  type PolicyProcessingInputs,
  processCertificatePolicies,
} from './policy-graph';
export { publicKeyObject } from './public-key';
export type { ChainValidationResult } from './result';
export type { SignatureAlgorithmName } from './signature-algorithm';
export { TrustAnchors } from './trust-anchors';
export { validateChain } from './validate-chain';

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

export type { DistinguishedName } from './distinguished-name';
export { CHAIN_ERROR_CODES, type ChainErrorCode } from './error-codes';
export { type BasicConstraints, type CertificateExtensions, KEY_USAGE_BITS, type KeyUsageName } from './extensions';
export type { GeneralName } from './general-names';
export type { GeneralSubtree, NameConstraints } from './name-constraints-extension';
export {
  CertificateParseError,
  type ParseCertificateResult,
  type ParsedCertificate,
  parseCertificate,
  tryParseCertificate,
} from './parse-certificate';
export { decodePemCertificates, encodePemCertificate, type PemDecodeResult } from './pem';
export {
  type AlgorithmPolicy,
  DEFAULT_ALGORITHM_POLICY,
  DEFAULT_PATH_BUILDING_LIMITS,
  DEVICE_EKU_POLICY,
  devicePolicy,
  EKU_ANY,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  type EkuPolicy,
  type PathBuildingLimits,
  type ValidationPolicy,
} from './policy';
export { ANY_POLICY, type PolicyConstraints, type PolicyMapping } from './policy-extensions';
export {
  DEFAULT_POLICY_INPUTS,
  type PolicyProcessingInputs,
  type PolicyProcessingResult,
  processCertificatePolicies,
} from './policy-graph';
export { type JwsAlgorithm, jwsAlgorithmsFor, publicKeyObject } from './public-key';
export type { EcCurve, PublicKeyDescription } from './public-key-info';
export type { ChainFailure, ChainSuccess, ChainValidationResult } from './result';
export { SIGNATURE_ALGORITHM_NAMES, type SignatureAlgorithmInfo, type SignatureAlgorithmName } from './signature-algorithm';
export { TrustAnchors } from './trust-anchors';
export { type ChainValidationInput, validateChain } from './validate-chain';

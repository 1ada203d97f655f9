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
export { validateChain, type ChainValidationInput } from './validate-chain';
export type { ChainValidationResult, ChainSuccess, ChainFailure } from './result';
export { CHAIN_ERROR_CODES, type ChainErrorCode } from './error-codes';
export {
  devicePolicy,
  DEVICE_EKU_POLICY,
  DEFAULT_ALGORITHM_POLICY,
  DEFAULT_PATH_BUILDING_LIMITS,
  EKU_ANY,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  type AlgorithmPolicy,
  type EkuPolicy,
  type PathBuildingLimits,
  type ValidationPolicy,
} from './policy';
export {
  parseCertificate,
  tryParseCertificate,
  CertificateParseError,
  type ParsedCertificate,
  type ParseCertificateResult,
} from './parse-certificate';
export { publicKeyObject, jwsAlgorithmsFor, type JwsAlgorithm } from './public-key';
export { decodePemCertificates, encodePemCertificate, type PemDecodeResult } from './pem';
export { KEY_USAGE_BITS, type KeyUsageName, type CertificateExtensions, type BasicConstraints } from './extensions';
export type { PublicKeyDescription, EcCurve } from './public-key-info';
export { SIGNATURE_ALGORITHM_NAMES, type SignatureAlgorithmName, type SignatureAlgorithmInfo } from './signature-algorithm';
export type { DistinguishedName } from './distinguished-name';
export type { GeneralName } from './general-names';
export type { GeneralSubtree, NameConstraints } from './name-constraints-extension';
export { ANY_POLICY, type PolicyConstraints, type PolicyMapping } from './policy-extensions';
export {
  DEFAULT_POLICY_INPUTS,
  processCertificatePolicies,
  type PolicyProcessingInputs,
  type PolicyProcessingResult,
} from './policy-graph';

import {
  DEFAULT_ALGORITHM_POLICY,
  DEFAULT_PATH_BUILDING_LIMITS,
  EKU_ANY,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  KEY_USAGE_BITS,
  type KeyUsageName,
  type SignatureAlgorithmName,
  type ValidationPolicy,
} from '../../../src/domain/chain';
import type { LimboCase } from './limbo-case';

/** limbo `KnownEKUs` names (RFC 5280 §4.2.1.12). */
const EKU_OIDS: Readonly<Record<string, string>> = {
  anyExtendedKeyUsage: EKU_ANY,
  serverAuth: EKU_SERVER_AUTH,
  clientAuth: EKU_CLIENT_AUTH,
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
};

/** What each validation kind demands of the peer when it carries extendedKeyUsage. */
const KIND_EKU: Readonly<Record<string, string>> = { SERVER: EKU_SERVER_AUTH, CLIENT: EKU_CLIENT_AUTH };

/** limbo `SignatureAlgorithm` names the core implements; every other name is an algorithm the core refuses anyway. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, readonly SignatureAlgorithmName[]>> = {
  RSA_WITH_SHA256: ['rsa-pkcs1-sha256'],
  RSA_WITH_SHA384: ['rsa-pkcs1-sha384'],
  RSA_WITH_SHA512: ['rsa-pkcs1-sha512'],
  RSASSA_PSS: ['rsa-pss-sha256', 'rsa-pss-sha384', 'rsa-pss-sha512'],
  ECDSA_WITH_SHA256: ['ecdsa-sha256'],
  ECDSA_WITH_SHA384: ['ecdsa-sha384'],
  ECDSA_WITH_SHA512: ['ecdsa-sha512'],
};

/**
 * The relying-party policy of a generic RFC 5280 validator for one limbo
 * case: what the case asks for (kind, EKU, key usage, depth, algorithms),
 * never the device profile of docs/contract.md §4.3. Knobs RFC 5280 decides:
 *
 * - leafMayBeCa: true. §4.2.1.9: "the last certificate [...] can be a CA
 *   certificate"; pathlen::validation-ignores-pathlen-in-leaf relies on it.
 *   CA/B 7.1.2.7.8 forbids it (webpki::ee-basicconstraints-ca: deviation).
 * - leafMayBeV1: false. §4.1.2.1 (extensions ⇒ v3) with §4.2.1.1 (AKI in
 *   every certificate but a self-signed one) leave no conforming v1/v2 leaf.
 * - requireCriticalBasicConstraints: true. §4.2.1.9 "MUST mark the
 *   extension as critical" in CA certificates that sign certificates.
 * - requireKeyIdentifiers: true. §4.2.1.1 AKI keyIdentifier "MUST be
 *   included" (self-signed excepted); §4.2.1.2 SKI "MUST appear" in CAs.
 * - anyExtendedKeyUsage accepted. §4.2.1.12 defines it as "any purpose";
 *   CA/B 7.1.2.7.10 forbids it (webpki::eku-contains-anyeku: deviation).
 *   Absent EKU means unrestricted (§4.2.1.12 is only consulted when present).
 * - leafKeyUsage: only the bits the case lists (§4.2.1.3 names no bits a
 *   relying party must demand).
 * - algorithms: the core's policy (docs/contract.md §4.3), intersected with the case's
 *   `signature_algorithms` when given; RFC 5280 itself prescribes none.
 */
export function limboPolicy(testcase: LimboCase, now: Date): ValidationPolicy {
  return {
    now,
    // Bounds the work on a hostile pool; limbo pools are a handful of certificates.
    maxChainLength: 16,
    maxCertificateBytes: 64 * 1024,
    maxPathDepth: testcase.max_chain_depth ?? undefined,
    extendedKeyUsage: {
      acceptedPurposes: acceptedPurposes(testcase),
      anyExtendedKeyUsage: 'accept',
      requirePresent: false,
    },
    leafKeyUsage: keyUsages(testcase),
    leafMayBeCa: true,
    leafMayBeV1: false,
    requireCriticalBasicConstraints: true,
    requireKeyIdentifiers: true,
    algorithms: { ...DEFAULT_ALGORITHM_POLICY, signatureAlgorithms: signatureAlgorithms(testcase) },
    pathBuilding: DEFAULT_PATH_BUILDING_LIMITS,
  };
}

function acceptedPurposes(testcase: LimboCase): string[] {
  if (testcase.extended_key_usage !== null) return testcase.extended_key_usage.map((name) => lookup(EKU_OIDS, name, 'extended_key_usage', testcase));
  return [lookup(KIND_EKU, testcase.validation_kind, 'validation_kind', testcase)];
}

function keyUsages(testcase: LimboCase): KeyUsageName[] {
  return (testcase.key_usage ?? []).map((name) => {
    // limbo follows X.509 (2000) and calls bit 1 contentCommitment; RFC 5280 calls it nonRepudiation.
    const bit = name === 'contentCommitment' ? 'nonRepudiation' : name;
    if (!(KEY_USAGE_BITS as readonly string[]).includes(bit)) throw new Error(`limbo case ${testcase.id}: unknown key_usage "${name}"`);
    return bit as KeyUsageName;
  });
}

function signatureAlgorithms(testcase: LimboCase): readonly SignatureAlgorithmName[] {
  const core = DEFAULT_ALGORITHM_POLICY.signatureAlgorithms;
  if (testcase.signature_algorithms === null) return core;
  const asked = new Set(testcase.signature_algorithms.flatMap((name) => SIGNATURE_ALGORITHMS[name] ?? []));
  return core.filter((name) => asked.has(name));
}

function lookup(table: Readonly<Record<string, string>>, name: string, field: string, testcase: LimboCase): string {
  const value = table[name];
  if (value === undefined) throw new Error(`limbo case ${testcase.id}: unsupported ${field} "${name}"`);
  return value;
}

import { Asn1Error, type Asn1Node, CONTEXT, primitiveContent, readIntegerBytes, readOid, sequenceOf } from './asn1';

/** The anyPolicy OID (RFC 5280 §4.2.1.4). */
export const ANY_POLICY = '2.5.29.32.0';

/** One `issuerDomainPolicy` → `subjectDomainPolicy` pair of policyMappings (RFC 5280 §4.2.1.5). */
export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

/** RFC 5280 §4.2.1.11; each value is a SkipCerts count (capped at Number.MAX_SAFE_INTEGER). */
export interface PolicyConstraints {
  readonly requireExplicitPolicy: number | undefined;
  readonly inhibitPolicyMapping: number | undefined;
}

/**
 * RFC 5280 §4.2.1.4: `SEQUENCE SIZE (1..MAX) OF PolicyInformation
 * { policyIdentifier, policyQualifiers OPTIONAL }`; the policy OIDs in
 * encoded order. "A certificate policy OID MUST NOT appear more than once":
 * a repeated one is malformed (two readers could keep different qualifiers).
 * Qualifiers are informational here (RFC 5280 §6.1.5 (g) returns them, this
 * validator does not) and only checked to be a SEQUENCE.
 */
export function readCertificatePolicies(node: Asn1Node): string[] {
  const seen = new Set<string>();
  for (const information of sequenceOf(node, 'certificatePolicies', 1, Number.MAX_SAFE_INTEGER)) {
    const [identifier, qualifiers] = sequenceOf(information, 'certificatePolicies', 1, 2);
    const oid = readOid(identifier, 'certificatePolicies');
    if (qualifiers !== undefined) sequenceOf(qualifiers, 'policyQualifiers', 1, Number.MAX_SAFE_INTEGER);
    if (seen.has(oid)) throw new Asn1Error(`certificatePolicies: policy ${oid} appears more than once`);
    seen.add(oid);
  }
  return [...seen];
}

/** RFC 5280 §4.2.1.5: `SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy }`. */
export function readPolicyMappings(node: Asn1Node): PolicyMapping[] {
  return sequenceOf(node, 'policyMappings', 1, Number.MAX_SAFE_INTEGER).map((pair) => {
    const [issuer, subject] = sequenceOf(pair, 'policyMappings', 2, 2);
    return { issuerDomainPolicy: readOid(issuer, 'issuerDomainPolicy'), subjectDomainPolicy: readOid(subject, 'subjectDomainPolicy') };
  });
}

/** RFC 5280 §4.2.1.11: `SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL, inhibitPolicyMapping [1] SkipCerts OPTIONAL }`. */
export function readPolicyConstraints(node: Asn1Node): PolicyConstraints {
  let requireExplicitPolicy: number | undefined;
  let inhibitPolicyMapping: number | undefined;
  let lastTag = -1;
  for (const field of sequenceOf(node, 'policyConstraints', 0, 2)) {
    const tag = field.tagNumber;
    if (field.tagClass !== CONTEXT || tag <= lastTag || tag > 1) throw new Asn1Error('policyConstraints: unexpected field');
    lastTag = tag;
    const skipCerts = skipCertsOf(primitiveContent(field, tag, 'policyConstraints SkipCerts', CONTEXT), 'policyConstraints');
    if (tag === 0) requireExplicitPolicy = skipCerts;
    else inhibitPolicyMapping = skipCerts;
  }
  return { requireExplicitPolicy, inhibitPolicyMapping };
}

/** RFC 5280 §4.2.1.14: `InhibitAnyPolicy ::= SkipCerts` (INTEGER (0..MAX)). */
export function readInhibitAnyPolicy(node: Asn1Node): number {
  return skipCertsOf(readIntegerBytes(node, 'inhibitAnyPolicy'), 'inhibitAnyPolicy');
}

/** A non-negative INTEGER's content octets as a count; anything beyond 2^48 is as good as infinite. */
function skipCertsOf(content: Uint8Array, what: string): number {
  if (content.length === 0 || (content[0] & 0x80) !== 0) throw new Asn1Error(`${what}: invalid SkipCerts`);
  if (content.length > 1 && content[0] === 0 && (content[1] & 0x80) === 0) throw new Asn1Error(`${what}: non-minimal SkipCerts`);
  return content.length > 6 ? Number.MAX_SAFE_INTEGER : content.reduce((a, b) => a * 256 + b, 0);
}

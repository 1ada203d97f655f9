import { Asn1Error, type Asn1Node, CONTEXT, childrenOf, primitiveContent, sequenceOf } from './asn1';
import { type GeneralName, readGeneralName } from './general-names';

/** `GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL }`. */
export interface GeneralSubtree {
  /** iPAddress bases carry address and mask (8 or 32 octets). */
  readonly base: GeneralName;
  /** RFC 5280 §4.2.1.10: "the minimum MUST be zero"; anything else cannot be evaluated. */
  readonly minimum: number;
  /** RFC 5280 §4.2.1.10: "maximum MUST be absent". */
  readonly maximum: number | undefined;
}

/** RFC 5280 §4.2.1.10 nameConstraints; either list may be empty, not both. */
export interface NameConstraints {
  readonly permitted: readonly GeneralSubtree[];
  readonly excluded: readonly GeneralSubtree[];
}

/**
 * `NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 * excludedSubtrees [1] GeneralSubtrees OPTIONAL }` (IMPLICIT tags, RFC 5280
 * Appendix A.2). "Conforming CAs MUST NOT issue certificates where name
 * constraints is an empty sequence": that, an empty GeneralSubtrees, or a
 * base that does not decode is a malformed certificate. Whether each
 * subtree can be *evaluated* is decided later (checkNameConstraintsSupported).
 */
export function readNameConstraints(node: Asn1Node): NameConstraints {
  const fields = sequenceOf(node, 'nameConstraints', 1, 2);
  let permitted: GeneralSubtree[] = [];
  let excluded: GeneralSubtree[] = [];
  let lastTag = -1;
  for (const field of fields) {
    const tag = field.tagNumber;
    if (field.tagClass !== CONTEXT || tag <= lastTag || tag > 1) throw new Asn1Error('nameConstraints: unexpected field');
    lastTag = tag;
    const subtrees = childrenOf(field, tag, 'nameConstraints', CONTEXT);
    if (subtrees.length === 0) throw new Asn1Error('nameConstraints: empty GeneralSubtrees');
    if (tag === 0) permitted = subtrees.map(readGeneralSubtree);
    else excluded = subtrees.map(readGeneralSubtree);
  }
  return { permitted, excluded };
}

function readGeneralSubtree(node: Asn1Node): GeneralSubtree {
  const [base, ...distances] = sequenceOf(node, 'GeneralSubtree', 1, 3);
  let minimum = 0;
  let maximum: number | undefined;
  let lastTag = -1;
  for (const field of distances) {
    const tag = field.tagNumber;
    if (field.tagClass !== CONTEXT || tag <= lastTag || tag > 1) throw new Asn1Error('GeneralSubtree: unexpected field');
    lastTag = tag;
    const distance = baseDistance(primitiveContent(field, tag, 'GeneralSubtree BaseDistance', CONTEXT));
    if (tag === 0) minimum = distance;
    else maximum = distance;
  }
  return { base: readGeneralName(base, 'GeneralSubtree base', 'constraint'), minimum, maximum };
}

/** `BaseDistance ::= INTEGER (0..MAX)`, minimal two's complement. */
function baseDistance(content: Uint8Array): number {
  if (content.length === 0 || (content[0] & 0x80) !== 0) throw new Asn1Error('GeneralSubtree: invalid BaseDistance');
  if (content.length > 1 && content[0] === 0 && (content[1] & 0x80) === 0) throw new Asn1Error('GeneralSubtree: non-minimal BaseDistance');
  return content.length > 6 ? Number.MAX_SAFE_INTEGER : content.reduce((a, b) => a * 256 + b, 0);
}

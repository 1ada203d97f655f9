import { Asn1Error, type Asn1Node, CONTEXT, childrenOf, primitiveContent, readOid, sequenceOf } from './asn1';
import { parseName } from './distinguished-name';

/**
 * Structural validation of GeneralName (RFC 5280 §4.2.1.6). The validator
 * does no name matching; it only refuses encodings that a name-matching
 * consumer downstream could read differently.
 */
export function readGeneralNames(node: Asn1Node, what: string): void {
  sequenceOf(node, what, 1, Number.MAX_SAFE_INTEGER).forEach((n) => readGeneralName(n, what));
}

export function readGeneralName(node: Asn1Node, what: string): void {
  const tag = node.idBlock.tagNumber;
  if (node.idBlock.tagClass !== CONTEXT || tag > 8) throw new Asn1Error(`${what}: invalid GeneralName`);
  switch (tag) {
    case 0: {
      // otherName: SEQUENCE { type-id OID, value [0] EXPLICIT ANY } with IMPLICIT tagging of the SEQUENCE.
      const [typeId, value, ...rest] = childrenOf(node, 0, what, CONTEXT);
      if (!typeId || !value || rest.length > 0) throw new Asn1Error(`${what}: invalid otherName`);
      readOid(typeId, what);
      childrenOf(value, 0, what, CONTEXT);
      return;
    }
    case 1:
    case 2:
    case 6: {
      // rfc822Name, dNSName, uniformResourceIdentifier: IA5String.
      const text = primitiveContent(node, tag, what, CONTEXT);
      if (text.some((b) => b > 0x7f)) throw new Asn1Error(`${what}: non-ASCII IA5String`);
      return;
    }
    case 4: {
      // directoryName: Name is a CHOICE, so the tag is EXPLICIT.
      const [name, ...rest] = childrenOf(node, 4, what, CONTEXT);
      if (!name || rest.length > 0) throw new Asn1Error(`${what}: invalid directoryName`);
      parseName(name, what);
      return;
    }
    case 7: {
      const length = primitiveContent(node, 7, what, CONTEXT).length;
      if (length !== 4 && length !== 16) throw new Asn1Error(`${what}: iPAddress must be 4 or 16 octets`);
      return;
    }
    case 8:
      primitiveContent(node, 8, what, CONTEXT);
      return;
    default:
      // x400Address [3], ediPartyName [5]: constructed, contents not used.
      childrenOf(node, tag, what, CONTEXT);
  }
}

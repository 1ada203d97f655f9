import { Asn1Error, type Asn1Node, CONTEXT, childrenOf, primitiveContent, readOid } from './asn1';
import { type DistinguishedName, parseName } from './distinguished-name';

/**
 * GeneralName (RFC 5280 §4.2.1.6), decoded as far as name constraints
 * (§4.2.1.10) need: the text of the IA5String forms, the Name of a
 * directoryName, the octets of an iPAddress. x400Address and ediPartyName
 * are only checked to be constructed; nothing here reads their contents.
 */
export type GeneralName =
  | { readonly kind: 'otherName'; readonly typeId: string }
  | { readonly kind: 'rfc822Name'; readonly value: string }
  | { readonly kind: 'dNSName'; readonly value: string }
  | { readonly kind: 'x400Address' }
  | { readonly kind: 'directoryName'; readonly name: DistinguishedName }
  | { readonly kind: 'ediPartyName' }
  | { readonly kind: 'uniformResourceIdentifier'; readonly value: string }
  /** 4 or 16 octets in a certificate's names; as a name constraint's base, address then mask (8 or 32 octets, checked by subtreeRefusal). */
  | { readonly kind: 'iPAddress'; readonly octets: Uint8Array }
  | { readonly kind: 'registeredID' };

/**
 * Where a GeneralName appears: an iPAddress is an address (4 or 16 octets)
 * in a certificate's names, an address and a mask (8 or 32 octets) as the
 * base of a name constraint (RFC 5280 §4.2.1.10). A base of another length
 * decodes, and is refused as a constraint that cannot be evaluated.
 */
export type GeneralNameContext = 'name' | 'constraint';

/** `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName`. */
export function readGeneralNames(node: Asn1Node, what: string): GeneralName[] {
  return sequenceOfNames(node, what).map((n) => readGeneralName(n, what));
}

/** Decodes one GeneralName; throws Asn1Error on any encoding a name-matching consumer could read differently. */
export function readGeneralName(node: Asn1Node, what: string, context: GeneralNameContext = 'name'): GeneralName {
  const tag = node.tagNumber;
  if (node.tagClass !== CONTEXT || tag > 8) throw new Asn1Error(`${what}: invalid GeneralName`);
  switch (tag) {
    case 0: {
      // otherName: SEQUENCE { type-id OID, value [0] EXPLICIT ANY } with IMPLICIT tagging of the SEQUENCE.
      const [typeId, value, ...rest] = childrenOf(node, 0, what, CONTEXT);
      if (!typeId || !value || rest.length > 0) throw new Asn1Error(`${what}: invalid otherName`);
      childrenOf(value, 0, what, CONTEXT);
      return { kind: 'otherName', typeId: readOid(typeId, what) };
    }
    case 1:
      return { kind: 'rfc822Name', value: readIa5(node, tag, what) };
    case 2:
      return { kind: 'dNSName', value: readIa5(node, tag, what) };
    case 6:
      return { kind: 'uniformResourceIdentifier', value: readIa5(node, tag, what) };
    case 4: {
      // directoryName: Name is a CHOICE, so the tag is EXPLICIT.
      const [name, ...rest] = childrenOf(node, 4, what, CONTEXT);
      if (!name || rest.length > 0) throw new Asn1Error(`${what}: invalid directoryName`);
      return { kind: 'directoryName', name: parseName(name, what) };
    }
    case 7: {
      const octets = primitiveContent(node, 7, what, CONTEXT);
      if (context === 'name' && octets.length !== 4 && octets.length !== 16) throw new Asn1Error(`${what}: iPAddress must be 4 or 16 octets`);
      return { kind: 'iPAddress', octets };
    }
    case 8:
      // registeredID: an IMPLICIT OBJECT IDENTIFIER; only its presence matters here.
      primitiveContent(node, 8, what, CONTEXT);
      return { kind: 'registeredID' };
    case 3:
      childrenOf(node, tag, what, CONTEXT);
      return { kind: 'x400Address' };
    default:
      childrenOf(node, tag, what, CONTEXT);
      return { kind: 'ediPartyName' };
  }
}

function sequenceOfNames(node: Asn1Node, what: string): readonly Asn1Node[] {
  const children = childrenOf(node, 16, what);
  if (children.length === 0) throw new Asn1Error(`${what}: wrong number of fields`);
  return children;
}

/** rfc822Name, dNSName, uniformResourceIdentifier: IA5String (ASCII). */
function readIa5(node: Asn1Node, tag: number, what: string): string {
  const text = primitiveContent(node, tag, what, CONTEXT);
  if (text.some((b) => b > 0x7f)) throw new Asn1Error(`${what}: non-ASCII IA5String`);
  return Buffer.from(text).toString('latin1');
}

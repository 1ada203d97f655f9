import * as asn1js from 'asn1js';
import { der, encodeName, type RawExtensionSpec } from '../../support/pki';

/*
 * DER encoders for the extensions the name-constraint and policy tests put in
 * certificates (RFC 5280 §4.2.1.4, §4.2.1.5, §4.2.1.6, §4.2.1.10, §4.2.1.11,
 * §4.2.1.14), built with asn1js like the rest of test/support/pki.
 */

export const OIDS = {
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  anyPolicy: '2.5.29.32.0',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** A GeneralName (IMPLICIT tags, directoryName EXPLICIT). */
export type GeneralNameSpec =
  | { readonly email: string }
  | { readonly dns: string }
  | { readonly uri: string }
  | { readonly ip: readonly number[] }
  | { readonly directory: readonly (readonly [string, string])[] }
  | { readonly otherName: string }
  | { readonly registeredId: string };

function generalName(spec: GeneralNameSpec): asn1js.BaseBlock {
  const primitive = (tag: number, bytes: Uint8Array) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: bytes });
  if ('email' in spec) return primitive(1, Buffer.from(spec.email, 'latin1'));
  if ('dns' in spec) return primitive(2, Buffer.from(spec.dns, 'latin1'));
  if ('uri' in spec) return primitive(6, Buffer.from(spec.uri, 'latin1'));
  if ('ip' in spec) return primitive(7, Uint8Array.from(spec.ip));
  if ('registeredId' in spec) return primitive(8, new Uint8Array(new asn1js.ObjectIdentifier({ value: spec.registeredId }).valueBlock.toBER(false)));
  if ('otherName' in spec) {
    const value = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Utf8String({ value: 'x' })] });
    return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.ObjectIdentifier({ value: spec.otherName }), value] });
  }
  const name = asn1js.fromBER(encodeName({ subject: spec.directory })).result;
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [name] });
}

/** subjectAltName (non-critical unless told). */
export function subjectAltName(names: readonly GeneralNameSpec[], critical = false): RawExtensionSpec {
  return { oid: OIDS.subjectAltName, critical, value: der(new asn1js.Sequence({ value: names.map(generalName) })) };
}

export interface SubtreeSpec {
  readonly base: GeneralNameSpec;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** nameConstraints (critical, as RFC 5280 requires) with the given subtrees; plain GeneralNameSpecs are bases with default distances. */
export function nameConstraints(spec: {
  permitted?: readonly (GeneralNameSpec | SubtreeSpec)[];
  excluded?: readonly (GeneralNameSpec | SubtreeSpec)[];
}): RawExtensionSpec {
  const subtrees = (tag: number, list: readonly (GeneralNameSpec | SubtreeSpec)[]) =>
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: tag }, value: list.map(subtree) });
  const fields = [...(spec.permitted === undefined ? [] : [subtrees(0, spec.permitted)]), ...(spec.excluded === undefined ? [] : [subtrees(1, spec.excluded)])];
  return { oid: OIDS.nameConstraints, critical: true, value: der(new asn1js.Sequence({ value: fields })) };
}

function subtree(spec: GeneralNameSpec | SubtreeSpec): asn1js.Sequence {
  const { base, minimum, maximum } = 'base' in spec ? spec : { base: spec, minimum: undefined, maximum: undefined };
  const distance = (tag: number, value: number) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: Uint8Array.of(value) });
  return new asn1js.Sequence({
    value: [generalName(base), ...(minimum === undefined ? [] : [distance(0, minimum)]), ...(maximum === undefined ? [] : [distance(1, maximum)])],
  });
}

/** certificatePolicies with the given policy OIDs, in order. */
export function certificatePolicies(oids: readonly string[], critical = false): RawExtensionSpec {
  const value = new asn1js.Sequence({ value: oids.map((oid) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] })) });
  return { oid: OIDS.certificatePolicies, critical, value: der(value) };
}

/** policyMappings from issuerDomainPolicy to subjectDomainPolicy pairs. */
export function policyMappings(pairs: readonly (readonly [string, string])[]): RawExtensionSpec {
  const value = new asn1js.Sequence({
    value: pairs.map(
      ([issuer, subject]) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: issuer }), new asn1js.ObjectIdentifier({ value: subject })] }),
    ),
  });
  return { oid: OIDS.policyMappings, critical: true, value: der(value) };
}

/** policyConstraints with requireExplicitPolicy [0] and/or inhibitPolicyMapping [1] (SkipCerts below 128). */
export function policyConstraints(spec: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }): RawExtensionSpec {
  const skip = (tag: number, value: number) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: Uint8Array.of(value) });
  const fields = [
    ...(spec.requireExplicitPolicy === undefined ? [] : [skip(0, spec.requireExplicitPolicy)]),
    ...(spec.inhibitPolicyMapping === undefined ? [] : [skip(1, spec.inhibitPolicyMapping)]),
  ];
  return { oid: OIDS.policyConstraints, critical: true, value: der(new asn1js.Sequence({ value: fields })) };
}

/** inhibitAnyPolicy SkipCerts. */
export function inhibitAnyPolicy(skipCerts: number): RawExtensionSpec {
  return { oid: OIDS.inhibitAnyPolicy, critical: true, value: der(new asn1js.Integer({ value: skipCerts })) };
}

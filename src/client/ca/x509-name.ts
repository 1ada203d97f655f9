import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DeviceClientError } from '../errors';

/** RFC 5280 Appendix A upper bounds (ub-common-name, ub-organization-name, ...). */
const UPPER_BOUND = 64;
const ATTRIBUTE_OIDS = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', CN: '2.5.4.3' } as const;
type NameAttributeType = keyof typeof ATTRIBUTE_OIDS;

/** Attributes most general first, as `-subj "/C=US/ST=State/L=City/O=Org/CN=name"` lists them. */
export type NameAttributes = readonly (readonly [NameAttributeType, string])[];

/**
 * X.520 / ISO 3166-1 alpha-2: exactly two letters (OpenSSL 3 refuses
 * anything longer; docs/contract.md §5). Returned upper-case.
 */
export function countryCode(value: string): string {
  if (!/^[A-Za-z]{2}$/.test(value))
    throw new DeviceClientError('ca_input_invalid', `the country must be a two-letter ISO 3166 code such as US or DE, not "${value}"`);
  return value.toUpperCase();
}

/** A non-empty attribute value within the RFC 5280 upper bound of 64 characters, without control characters. */
export function attributeValue(what: string, value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: C0 controls and DEL are what this check refuses.
  if (value.length === 0 || value.length > UPPER_BOUND || /[\x00-\x1f\x7f]/.test(value)) {
    throw new DeviceClientError('ca_input_invalid', `${what} must be 1-${UPPER_BOUND} printable characters`);
  }
  return value;
}

/**
 * An RFC 5280 §4.1.2.4 Name with one attribute per RDN (pkijs would put
 * them all in one multi-valued RDN): countryName as a PrintableString
 * (X.520), everything else as UTF8String (RFC 5280's MUST for new
 * certificates), as OpenSSL encodes `-subj`.
 */
export function encodeName(attributes: NameAttributes): pkijs.RelativeDistinguishedNames {
  const rdns = attributes.map(([type, value]) => {
    const encoded = type === 'C' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: ATTRIBUTE_OIDS[type] }), encoded] })] });
  });
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

import { toHex } from '../chain/asn1';

/**
 * The key a serial number is matched by, from its DER content octets. For a
 * non-negative serial it is exactly `ParsedCertificate.serialNumberHex`
 * (lowercase hex without the 0x00 sign octet). That form alone is not
 * injective: it maps 255 (`00 ff`) and -1 (`ff`) both to "ff", so a CRL
 * revoking serial -1 would revoke certificate 255 (PKITS 4.4.14). Negative
 * serials exist ([RFC 5280 §4.1.2.2](https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2)
 * asks relying parties to handle them gracefully), so one is written as "-"
 * and its magnitude, and every value has exactly one key.
 */
export function serialNumberKey(octets: Uint8Array): string {
  if (octets.length === 0 || (octets[0] & 0x80) === 0) {
    return toHex(octets[0] === 0 && octets.length > 1 ? octets.subarray(1) : octets);
  }
  const twosComplement = BigInt(`0x${toHex(octets)}`) - (1n << BigInt(octets.length * 8));
  const magnitude = (-twosComplement).toString(16);
  return `-${magnitude.length % 2 === 0 ? magnitude : `0${magnitude}`}`;
}

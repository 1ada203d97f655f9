import { DomainError } from '../errors';
import type { ParsedCertificate } from './chain';
import type { Device } from './model';

/** The device tag that pins a device to a business unit (docs/contract.md §3.2). */
export const BUSINESS_UNIT_TAG = 'business_unit_id';

/**
 * docs/contract.md §4.4: a device pinned to a business unit only accepts
 * certificates of that unit. The pin is the device's `business_unit_id` tag,
 * whether it was set at pre-registration or later by PATCH; the unit of a
 * certificate is its subject organizationName (O,
 * [RFC 5280 §4.1.2.6](https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.6)).
 * A device without the tag accepts any O, or none.
 * @throws DomainError `business_unit_mismatch` when the device is pinned and
 *   the certificate's O differs from the pin or is absent.
 */
export function checkBusinessUnit(device: Pick<Device, 'tags'>, certificate: Pick<ParsedCertificate, 'subjectO'>): void {
  const pinned = device.tags?.[BUSINESS_UNIT_TAG];
  if (pinned !== undefined && pinned !== certificate.subjectO) {
    throw new DomainError('business_unit_mismatch', 'the certificate organisation (O) does not match the device business_unit_id');
  }
}

/**
 * CRLReason names and their ENUMERATED values
 * ([RFC 5280 §5.3.1](https://www.rfc-editor.org/rfc/rfc5280#section-5.3.1));
 * value 7 is unused.
 */
export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

const BY_VALUE: readonly (CrlReason | undefined)[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export const CRL_REASONS: readonly CrlReason[] = BY_VALUE.filter((r): r is CrlReason => r !== undefined);

/** The reason for an encoded value, or undefined for 7 and values beyond 10 (not a CRLReason). */
export function crlReasonOf(value: number): CrlReason | undefined {
  return BY_VALUE[value];
}

export function isCrlReason(value: unknown): value is CrlReason {
  return typeof value === 'string' && (CRL_REASONS as readonly string[]).includes(value);
}

import { failure } from '../result';
import type { CertificateCheck } from './check';

/**
 * RFC 5280 §6.1.3 (a)(2) and §4.1.2.5: the validation time lies within
 * notBefore..notAfter, both inclusive. Applied to every certificate of the
 * path, the trust anchor included (docs/contract.md §4.3: "every certificate").
 */
export const checkValidityPeriod: CertificateCheck = (certificate, position, policy) => {
  const now = policy.now.getTime();
  if (now < certificate.notBefore.getTime()) {
    return failure('certificate_not_yet_valid', `${position.label} is not valid before ${certificate.notBefore.toISOString()}`);
  }
  if (now > certificate.notAfter.getTime()) {
    return failure('certificate_expired', `${position.label} expired at ${certificate.notAfter.toISOString()}`);
  }
  return undefined;
};

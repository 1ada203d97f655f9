import type { ParsedCertificate } from '../parse-certificate';
import type { ValidationPolicy } from '../policy';
import type { ChainFailure } from '../result';

/** Where a certificate sits in a candidate path: index 0 is the leaf, the last one the trust anchor. */
export interface PathPosition {
  readonly index: number;
  readonly isLeaf: boolean;
  readonly isAnchor: boolean;
  /** e.g. `intermediate #1 'CN=Device Intermediate CA,O=Org'`, used in failure details. */
  readonly label: string;
}

/** A rule about one certificate, independent of the others. */
export type CertificateCheck = (certificate: ParsedCertificate, position: PathPosition, policy: ValidationPolicy) => ChainFailure | undefined;

/** A rule about the path as a whole. */
export type PathCheck = (path: readonly ParsedCertificate[], policy: ValidationPolicy) => ChainFailure | undefined;

/** `lastIsAnchor` is false when checking a supplied chain before its anchor is known. */
export function positionOf(path: readonly ParsedCertificate[], index: number, lastIsAnchor = true): PathPosition {
  const isLeaf = index === 0;
  const isAnchor = lastIsAnchor && index === path.length - 1;
  const role = isLeaf && isAnchor ? 'leaf (trust anchor)' : isLeaf ? 'leaf' : isAnchor ? 'trust anchor' : `intermediate #${index}`;
  return { index, isLeaf, isAnchor, label: `${role} '${path[index].subjectDn}'` };
}

/** Runs each check on each certificate of the path, leaf first; the first failure wins. */
export function runCertificateChecks(
  checks: readonly CertificateCheck[],
  path: readonly ParsedCertificate[],
  policy: ValidationPolicy,
  lastIsAnchor = true,
): ChainFailure | undefined {
  const positions: PathPosition[] = [];
  for (let index = 0; index < path.length; index++) positions.push(positionOf(path, index, lastIsAnchor));
  for (const check of checks) {
    for (let index = 0; index < path.length; index++) {
      const result = check(path[index], positions[index], policy);
      if (result !== undefined) return result;
    }
  }
  return undefined;
}

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
  return new Position(path[index], index, index === 0, lastIsAnchor && index === path.length - 1);
}

/** The label is written only when a failure names it: every check of every valid path asks for positions, none for labels. */
class Position implements PathPosition {
  constructor(
    private readonly certificate: ParsedCertificate,
    readonly index: number,
    readonly isLeaf: boolean,
    readonly isAnchor: boolean,
  ) {}

  get label(): string {
    const { isLeaf, isAnchor, index } = this;
    const role = isLeaf && isAnchor ? 'leaf (trust anchor)' : isLeaf ? 'leaf' : isAnchor ? 'trust anchor' : `intermediate #${index}`;
    return `${role} '${this.certificate.subjectDn}'`;
  }
}

/** The position of each certificate of the path, leaf first. */
export function positionsOf(path: readonly ParsedCertificate[], lastIsAnchor = true): readonly PathPosition[] {
  const positions: PathPosition[] = [];
  for (let index = 0; index < path.length; index++) positions.push(positionOf(path, index, lastIsAnchor));
  return positions;
}

/** Runs each check on each certificate of the path, leaf first; the first failure wins. `positions`: positionsOf(path, lastIsAnchor), when the caller has them. */
export function runCertificateChecks(
  checks: readonly CertificateCheck[],
  path: readonly ParsedCertificate[],
  policy: ValidationPolicy,
  lastIsAnchor = true,
  positions: readonly PathPosition[] = positionsOf(path, lastIsAnchor),
): ChainFailure | undefined {
  for (const check of checks) {
    for (let index = 0; index < path.length; index++) {
      const result = check(path[index], positions[index], policy);
      if (result !== undefined) return result;
    }
  }
  return undefined;
}

import type { ParsedCertificate } from '../chain/parse-certificate';
import { type CaIdentities, caIdentities } from './ca-identities';
import { crlIssuerId, issuerSerialId } from './crl-issuer-id';
import { delegatesRevocation } from './crl-scope';
import { crlScopeId } from './crl-scope-id';
import { serialNumberKey } from './serial-number';

/** The identities under which one certificate's revocation is looked up; plain data, stored with a CRL for its signer's path. */
export interface RevocationIdentity {
  /** crlScopeId(the path's anchor, the certificate's issuer name): the CRLs that speak for its issuer. */
  readonly scopeId: string;
  /**
   * crlIssuerId of its issuer on the path, then of the same CA's other keys
   * above it (self-issued certificates: a key rollover), without repeats:
   * the CRLs stored before scopes existed, keyed by their signer's name and
   * key (`CRL#{crlIssuerId}`), are matched by these.
   */
  readonly legacyIssuerIds: readonly string[];
  /** serialNumberKey of its serial: its `serialNumberHex` unless the serial is negative. */
  readonly serialNumberHex: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly fingerprint: string;
  /** issuerSerialId of the certificate: matched by operator revocations given as a PEM, whatever the encoding. */
  readonly issuerSerialId: string;
  /** crlIssuerId of the certificate itself (its subject and key): matched by operator revocations of a CA given as a PEM. */
  readonly keyId: string;
}

/** One certificate whose revocation status is checked: its identities and what a refusal names. */
export interface RevocationSubject extends RevocationIdentity {
  /** RFC 4514 forms, for messages. */
  readonly subjectDn: string;
  readonly issuerDn: string;
  /** delegatesRevocation(certificate): it names another CRL issuer in cRLDistributionPoints. */
  readonly delegatesRevocation: boolean;
}

/**
 * The certificates of a validated path (leaf first, anchor last) whose
 * status is checked: every one but the anchor, whose trust is the
 * operator's decision, in path order, one subject each. Its CRL scope is
 * that of its issuer's name under the path's anchor
 * ([RFC 5280 §6.3.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3) (b)(1), (f)).
 */
export function revocationSubjects(path: readonly ParsedCertificate[]): readonly RevocationSubject[] {
  const recent = recentSubjects(path);
  if (recent !== undefined) return recent;
  const subjects = computeSubjects(path);
  rememberSubjects(path, subjects);
  return subjects;
}

function computeSubjects(path: readonly ParsedCertificate[]): readonly RevocationSubject[] {
  if (path.length === 0) return Object.freeze([]);
  const anchor = path[path.length - 1];
  const subjects: RevocationSubject[] = [];
  for (let index = 0; index < path.length - 1; index++) {
    const certificate = path[index];
    const own = caIdentities(certificate, identitiesOf);
    subjects.push(
      Object.freeze({
        scopeId: crlScopeId(anchor, certificate.issuer),
        legacyIssuerIds: legacyIssuerIds(path, index),
        serialNumberHex: own.serialNumberHex,
        fingerprint: certificate.sha256Hex,
        issuerSerialId: own.issuerSerialId,
        keyId: own.keyId,
        subjectDn: certificate.subjectDn,
        issuerDn: certificate.issuerDn,
        delegatesRevocation: own.delegatesRevocation,
      }),
    );
  }
  return Object.freeze(subjects);
}

function identitiesOf(certificate: ParsedCertificate): CaIdentities {
  return {
    keyId: crlIssuerId(certificate),
    issuerSerialId: issuerSerialId(certificate),
    serialNumberHex: serialNumberKey(certificate.serialNumber),
    delegatesRevocation: delegatesRevocation(certificate),
  };
}

/** The path's keys of the CA that issued path[index]: its issuer, then, while that is self-issued, the keys above it. */
function legacyIssuerIds(path: readonly ParsedCertificate[], index: number): readonly string[] {
  const ids = [caIdentities(path[index + 1], identitiesOf).keyId];
  for (let above = index + 2; above < path.length && path[above - 1].selfIssued; above++) {
    const id = caIdentities(path[above], identitiesOf).keyId;
    if (!ids.includes(id)) ids.push(id);
  }
  return Object.freeze(ids);
}

/**
 * The subjects of the paths given most recently: a token request asks for
 * those of the same path up to three times (to plan its read, to read the
 * view, to check it). A hit is a path of the very same ParsedCertificate
 * objects (frozen, each parsed from its exact bytes), in the same order, so
 * its subjects are the same; they are frozen, as shared. A small ring of
 * strong references, bounded, as parsed-certificates.ts keeps its arrays.
 */
const RECENT_PATHS = 4;
const recentPaths: (readonly ParsedCertificate[] | undefined)[] = new Array(RECENT_PATHS).fill(undefined);
const recentResults: (readonly RevocationSubject[] | undefined)[] = new Array(RECENT_PATHS).fill(undefined);
let nextRecent = 0;

function recentSubjects(path: readonly ParsedCertificate[]): readonly RevocationSubject[] | undefined {
  for (let slot = 0; slot < RECENT_PATHS; slot++) {
    const known = recentPaths[slot];
    if (known !== undefined && samePath(known, path)) return recentResults[slot];
  }
  return undefined;
}

function samePath(a: readonly ParsedCertificate[], b: readonly ParsedCertificate[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rememberSubjects(path: readonly ParsedCertificate[], subjects: readonly RevocationSubject[]): void {
  if (!path.every((certificate) => Object.isFrozen(certificate))) return;
  // A copy: the caller's array may change afterwards; the certificates in it cannot (frozen).
  recentPaths[nextRecent] = path.slice();
  recentResults[nextRecent] = subjects;
  nextRecent = (nextRecent + 1) % RECENT_PATHS;
}

/** The same certificate under the same scope (a CRL signer's path often shares certificates with the device's). */
export function subjectKey(subject: Pick<RevocationIdentity, 'fingerprint' | 'scopeId'>): string {
  return `${subject.fingerprint.toLowerCase()}|${subject.scopeId}`;
}

import { isEmptyName } from '../distinguished-name';
import type { GeneralName } from '../general-names';
import { OID } from '../oids';
import type { ParsedCertificate } from '../parse-certificate';

/** A name of the certificate, with where it was found (for failure details). */
export interface ConstrainedName {
  readonly name: GeneralName;
  /** e.g. `subject`, `subjectAltName dNSName 'a.example'`. */
  readonly label: string;
}

/**
 * The names of a certificate that name constraints apply to
 * ([RFC 5280 §4.2.1.10](https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10),
 * §6.1.3 (b)): the subject when it is not empty (as a directoryName), every
 * subjectAltName entry, and every emailAddress attribute of the subject (as
 * an rfc822Name). RFC 5280 asks for the emailAddress only when there is no
 * subjectAltName; it is checked whenever present, as OpenSSL does, so that a
 * constrained CA cannot put an unconstrained address in the subject beside a
 * harmless subjectAltName.
 */
export function constrainedNames(certificate: ParsedCertificate): ConstrainedName[] {
  const names: ConstrainedName[] = [];
  if (!isEmptyName(certificate.subject)) {
    names.push({ name: { kind: 'directoryName', name: certificate.subject }, label: `subject '${certificate.subjectDn}'` });
  }
  for (const attribute of certificate.subject.rdns.flat().filter((a) => a.type === OID.emailAddress)) {
    // A value that is not a string cannot be compared: as '' it is undecidable, and refused if constrained.
    const value = attribute.value ?? '';
    names.push({ name: { kind: 'rfc822Name', value }, label: `subject emailAddress '${value}'` });
  }
  for (const name of certificate.extensions.subjectAltName ?? []) names.push({ name, label: `subjectAltName ${describe(name)}` });
  return names;
}

function describe(name: GeneralName): string {
  switch (name.kind) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return `${name.kind} '${name.value}'`;
    case 'iPAddress':
      return `iPAddress ${formatAddress(name.octets)}`;
    default:
      return name.kind;
  }
}

/** Dotted quad or RFC 5952-style hex groups (not compressed), for messages only. */
function formatAddress(octets: Uint8Array): string {
  if (octets.length === 4) return [...octets].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < octets.length; i += 2) groups.push(((octets[i] << 8) | octets[i + 1]).toString(16));
  return groups.join(':');
}

import { CONTEXT, childrenOf, decodeDer, isTagged, TAG } from '../chain/asn1';
import { namesMatch, parseName } from '../chain/distinguished-name';
import { OID } from '../chain/oids';
import type { ParsedCertificate } from '../chain/parse-certificate';

/**
 * Whether the certificate names, in a cRLDistributionPoints cRLIssuer field
 * ([RFC 5280 §4.2.1.13](https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.13)),
 * a CRL issuer other than its own issuer: its revocation is then published on
 * an indirect CRL, which the pool does not accept, and its issuer's own CRL
 * need not list it. An unreadable extension counts as delegating (fail closed).
 */
export function delegatesRevocation(certificate: ParsedCertificate): boolean {
  const extension = certificate.extensions.all.find((e) => e.oid === OID.crlDistributionPoints);
  if (extension === undefined) return false;
  try {
    const points = childrenOf(decodeDer(extension.value, 'cRLDistributionPoints'), TAG.sequence, 'cRLDistributionPoints');
    return points.some((point) =>
      childrenOf(point, TAG.sequence, 'DistributionPoint')
        .filter((field) => isTagged(field, CONTEXT, 2))
        .some((crlIssuer) => !childrenOf(crlIssuer, 2, 'cRLIssuer', CONTEXT).some((name) => isOwnIssuer(name, certificate))),
    );
  } catch {
    return true;
  }
}

/** GeneralName directoryName [4] (EXPLICIT: Name is a CHOICE) equal to the certificate's issuer. */
function isOwnIssuer(name: Parameters<typeof isTagged>[0], certificate: ParsedCertificate): boolean {
  if (!isTagged(name, CONTEXT, 4)) return false;
  const [inner] = childrenOf(name, 4, 'cRLIssuer directoryName', CONTEXT);
  return inner !== undefined && namesMatch(parseName(inner, 'cRLIssuer directoryName'), certificate.issuer);
}

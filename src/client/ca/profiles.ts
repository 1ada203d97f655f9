import type { KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import { buildCertificate, publicKeyInfo } from './certificate-builder';
import {
  authorityKeyIdentifier,
  basicConstraints,
  clientAuthExtendedKeyUsage,
  keyIdentifier,
  keyUsage,
  subjectKeyIdentifier,
  subjectKeyIdentifierOf,
} from './extensions';
import { encodeName, type NameAttributes } from './x509-name';

const DAY_MS = 86_400_000;
/** notBefore is set this far back, so a device whose clock runs a little late still sees its certificate as valid. */
const BACKDATE_MS = 5 * 60_000;

export interface Issuer {
  /** DER */
  certificate: Uint8Array;
  key: KeyObject;
}

interface Validity {
  now: Date;
  days: number;
}

function validity({ now, days }: Validity, backdate = true): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - (backdate ? BACKDATE_MS : 0)), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

function issuerView(issuer: Issuer): { name: pkijs.RelativeDistinguishedNames; keyId: Uint8Array } {
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(issuer.certificate));
  return { name: certificate.subject, keyId: subjectKeyIdentifierOf(certificate) ?? keyIdentifier(certificate.subjectPublicKeyInfo) };
}

/** A self-signed root (RFC 5280 §4.2.1.9, §4.2.1.3): cA, keyCertSign and cRLSign, key identifiers as the recipe's v3_ca. */
export function rootCertificate(key: KeyObject, subject: NameAttributes, period: Validity): Uint8Array {
  const name = encodeName(subject);
  const keyId = keyIdentifier(publicKeyInfo(key));
  return buildCertificate({
    version: 3,
    subject: name,
    issuer: name,
    subjectPublicKey: key,
    signingKey: key,
    ...validity(period),
    extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(keyId), authorityKeyIdentifier(keyId)],
  });
}

/** The recipe's `v3_intermediate_ca` tightened: cA with pathLenConstraint 0 (no sub-CA below it), keyCertSign and cRLSign. */
export function intermediateCertificate(key: KeyObject, subject: NameAttributes, root: Issuer, period: Validity): Uint8Array {
  const issuer = issuerView(root);
  return buildCertificate({
    version: 3,
    subject: encodeName(subject),
    issuer: issuer.name,
    subjectPublicKey: key,
    signingKey: root.key,
    ...validity(period),
    extensions: [
      basicConstraints(true, 0),
      keyUsage(['keyCertSign', 'cRLSign']),
      subjectKeyIdentifier(keyIdentifier(publicKeyInfo(key))),
      authorityKeyIdentifier(issuer.keyId),
    ],
  });
}

/**
 * A device certificate. `v3` (the default): not a CA, keyUsage
 * digitalSignature, extendedKeyUsage clientAuth, key identifiers: what the
 * token endpoint's device profile checks when extensions are present
 * (docs/contract.md §4.3). `recipe`: exactly what the docs/contract.md §5 `openssl x509 -req` line
 * makes, X.509 v1 without extensions, valid from now.
 */
export function deviceCertificate(publicKey: KeyObject, subject: NameAttributes, intermediate: Issuer, period: Validity, shape: 'v3' | 'recipe'): Uint8Array {
  const issuer = issuerView(intermediate);
  const common = { subject: encodeName(subject), issuer: issuer.name, subjectPublicKey: publicKey, signingKey: intermediate.key };
  if (shape === 'recipe') return buildCertificate({ version: 1, ...common, ...validity(period, false) });
  return buildCertificate({
    version: 3,
    ...common,
    ...validity(period),
    extensions: [
      basicConstraints(false),
      keyUsage(['digitalSignature']),
      clientAuthExtendedKeyUsage(),
      subjectKeyIdentifier(keyIdentifier(publicKeyInfo(publicKey))),
      authorityKeyIdentifier(issuer.keyId),
    ],
  });
}

import { publicKeyRefusal } from '../../chain/checks/algorithm-policy';
import { namesMatch } from '../../chain/distinguished-name';
import { type ParsedCertificate, tryParseCertificate } from '../../chain/parse-certificate';
import { DEFAULT_ALGORITHM_POLICY, devicePolicy, type ValidationPolicy } from '../../chain/policy';
import { validateChain } from '../../chain/validate-chain';
import { type SignatureCheck, verifyCertificateSignature } from '../../chain/verify-signature';
import { CrlImportError } from '../error-codes';
import type { ParsedCrl } from '../parse-crl';

export interface CrlIssuerInput {
  /** DER of the pool's trusted roots. */
  readonly anchors: readonly Uint8Array[];
  /** The CRL issuer's certificate, then (optionally) intermediates up to a pool root. */
  readonly issuerChain?: readonly Uint8Array[];
  readonly now: Date;
}

/** The CRL's signer and its validated certification path (signer first, the pool's anchor last). */
export interface EstablishedCrlIssuer {
  readonly issuer: ParsedCertificate;
  /** [issuer] alone when the issuer is the anchor (a root's own CRL). */
  readonly path: readonly ParsedCertificate[];
}

/**
 * [RFC 5280 §6.3.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3)
 * (f) and (g): the certificate whose subject is the CRL issuer and whose key
 * verifies the CRL, with cRLSign when keyUsage is present, valid to a root of
 * this pool at `now`, and that path (its anchor decides the CRL's scope, its
 * certificates are checked for revocation whenever the CRL is used).
 * Throws CrlImportError.
 */
export async function establishCrlIssuer(crl: ParsedCrl, input: CrlIssuerInput): Promise<EstablishedCrlIssuer> {
  const chain = input.issuerChain ?? [];
  const issuer = chain.length === 0 ? anchorIssuer(crl, input.anchors) : chainIssuer(crl, chain[0]);
  checkIssuerCrlSign(issuer);
  const path = await checkIssuerTrusted(issuer, chain.length === 0 ? [issuer.der] : chain, input);
  return { issuer, path };
}

/** Without an issuer certificate the CRL must come from a pool root: same name ([RFC 5280 §7.1](https://www.rfc-editor.org/rfc/rfc5280#section-7.1)), and its key verifies the CRL. */
function anchorIssuer(crl: ParsedCrl, anchors: readonly Uint8Array[]): ParsedCertificate {
  const named = anchors.flatMap((der) => {
    const parsed = tryParseCertificate(der);
    return parsed.ok && namesMatch(parsed.certificate.subject, crl.issuer) ? [parsed.certificate] : [];
  });
  if (named.length === 0) {
    throw new CrlImportError(
      'crl_issuer_unknown',
      `no root of this pool is named '${crl.issuerDn}'; a CRL of an intermediate CA needs that CA's certificate as its issuer`,
    );
  }
  const checks = named.map((anchor) => ({ anchor, check: verifyCrlSignature(crl, anchor) }));
  const signer = checks.find((c) => c.check.ok);
  if (signer === undefined) {
    const reasons = checks.map((c) => (c.check.ok ? '' : c.check.reason)).join('; ');
    throw new CrlImportError('crl_bad_signature', `the CRL is not signed by the key of the pool root '${crl.issuerDn}': ${reasons}`);
  }
  return signer.anchor;
}

/**
 * Of the given certificates (e.g. the ones an operator has at hand), the one
 * that issued the CRL: same name ([RFC 5280 §7.1](https://www.rfc-editor.org/rfc/rfc5280#section-7.1)) and its key verifies the
 * CRL; else one with the name only, so that importing with it reports why its
 * key does not fit; else undefined.
 */
export function findCrlIssuer(crl: ParsedCrl, candidates: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  const named = candidates.filter((c) => namesMatch(c.subject, crl.issuer));
  return named.find((c) => verifyCrlSignature(crl, c).ok) ?? named[0];
}

/** The operator named the issuer: its subject must be the CRL's issuer, and its key must have signed the CRL. */
function chainIssuer(crl: ParsedCrl, der: Uint8Array): ParsedCertificate {
  const parsed = tryParseCertificate(der);
  if (!parsed.ok) throw new CrlImportError('crl_issuer_untrusted', `the issuer certificate is not usable (malformed_certificate: ${parsed.detail})`);
  const issuer = parsed.certificate;
  if (!namesMatch(issuer.subject, crl.issuer)) {
    throw new CrlImportError('crl_issuer_name_mismatch', `the CRL is issued by '${crl.issuerDn}', but the issuer certificate is '${issuer.subjectDn}'`);
  }
  const check = verifyCrlSignature(crl, issuer);
  if (!check.ok) throw new CrlImportError('crl_bad_signature', `the CRL is not signed by the key of '${issuer.subjectDn}': ${check.reason}`);
  return issuer;
}

/** [RFC 5280 §6.3.3 (f)](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3): "If a key usage extension is present in the CRL issuer's certificate, verify that the cRLSign bit is set." */
function checkIssuerCrlSign(issuer: ParsedCertificate): void {
  const keyUsage = issuer.extensions.keyUsage;
  if (keyUsage !== undefined && !keyUsage.has('cRLSign')) {
    throw new CrlImportError('crl_issuer_missing_crl_sign', `the keyUsage of '${issuer.subjectDn}' does not include cRLSign`);
  }
}

/**
 * The CRL's signature over TBSCertList with the project's certificate
 * verifier: a CertificateList is the same SIGNED{} shape as a Certificate
 * ([RFC 5280 §5.1.1](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.1)), and the verifier reads exactly these three fields.
 */
function verifyCrlSignature(crl: ParsedCrl, issuer: ParsedCertificate): SignatureCheck {
  const keyRefusal = publicKeyRefusal(issuer.publicKey, DEFAULT_ALGORITHM_POLICY);
  if (keyRefusal !== undefined) return { ok: false, reason: keyRefusal };
  const signed = {
    signatureAlgorithm: crl.signatureAlgorithm,
    signatureValue: crl.signatureValue,
    tbsDer: crl.tbsDer,
  } satisfies Pick<ParsedCertificate, 'signatureAlgorithm' | 'signatureValue' | 'tbsDer'>;
  return verifyCertificateSignature(signed as ParsedCertificate, issuer);
}

/** The issuer validates, with the project's own path validation, to a root of this pool at `now`; "another pool's CA" fails here. Returns the path. */
async function checkIssuerTrusted(issuer: ParsedCertificate, chain: readonly Uint8Array[], input: CrlIssuerInput): Promise<readonly ParsedCertificate[]> {
  const result = await validateChain({ chain, anchors: input.anchors, intermediates: 'pool' }, crlIssuerPolicy(input.now, issuer));
  if (!result.valid) {
    throw new CrlImportError(
      'crl_issuer_untrusted',
      `the CRL issuer '${issuer.subjectDn}' does not validate to a root of this pool (${result.code}: ${result.detail})`,
    );
  }
  return result.path;
}

/**
 * The path policy with the CRL issuer as the "leaf": it may be a CA (it
 * usually is), must have cRLSign when keyUsage is present, and has no EKU
 * requirement (RFC 5280 defines no CRL-signing purpose), so whatever EKU it
 * carries is accepted.
 */
function crlIssuerPolicy(now: Date, issuer: ParsedCertificate): ValidationPolicy {
  return {
    ...devicePolicy(now),
    maxChainLength: 8,
    leafMayBeCa: true,
    leafMayBeV1: true,
    leafKeyUsage: ['cRLSign'],
    extendedKeyUsage: { acceptedPurposes: issuer.extensions.extKeyUsage ?? [], anyExtendedKeyUsage: 'accept', requirePresent: false },
  };
}

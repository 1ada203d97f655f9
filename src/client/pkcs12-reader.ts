import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { DeviceClientError } from './errors';

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** DER of every certificate in the file, in file order (credentialsFromParts orders them into a path). */
  certificates: Uint8Array[];
}

const { asn1, pki } = forge;

/**
 * Reads a PKCS#12 file (RFC 7292) in password integrity mode, as `openssl
 * pkcs12 -export` writes it (OpenSSL 3: PBES2 AES-256-CBC, SHA-256 MAC;
 * OpenSSL 1.1's 3DES/RC2 files too), with node-forge. The MAC is verified
 * first, so a wrong passphrase is reported as such. An empty passphrase is
 * what `-passout pass:` writes. Throws DeviceClientError `p12_unreadable`
 * or `p12_incomplete`.
 */
export function readPkcs12(bytes: Uint8Array, passphrase: string): Pkcs12Contents {
  let bags: forge.pkcs12.Bag[];
  try {
    const pfx = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(Buffer.from(bytes).toString('binary'), false), false, passphrase);
    bags = pfx.safeContents.flatMap((contents) => contents.safeBags);
  } catch (error) {
    const message = (error as Error).message;
    throw new DeviceClientError('p12_unreadable', /password/i.test(message) ? 'wrong passphrase (the MAC does not verify)' : message);
  }
  const keyBag = bags.find((bag) => bag.type === pki.oids.pkcs8ShroudedKeyBag || bag.type === pki.oids.keyBag);
  const certificates = bags.filter((bag) => bag.type === pki.oids.certBag).map(certificateDer);
  if (keyBag === undefined || certificates.length === 0) {
    throw new DeviceClientError('p12_incomplete', `${keyBag === undefined ? 'no private key' : 'a private key'} and ${certificates.length} certificate(s)`);
  }
  return { privateKey: privateKeyOf(keyBag), certificates };
}

/** forge decodes RSA keys itself and hands other key types (EC) over as their PrivateKeyInfo. */
function privateKeyOf(bag: forge.pkcs12.Bag): KeyObject {
  const privateKeyInfo = bag.key ? pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(bag.key)) : (bag.asn1 as forge.asn1.Asn1 | undefined);
  if (privateKeyInfo === undefined) throw new DeviceClientError('p12_incomplete', 'the key bag holds no key');
  try {
    return createPrivateKey({ key: Buffer.from(asn1.toDer(privateKeyInfo).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new DeviceClientError('p12_unreadable', (error as Error).message);
  }
}

/**
 * forge parses RSA certificates and keeps their TBSCertificate as read, so
 * re-encoding returns the signed bytes; others (EC) come as their ASN.1.
 */
function certificateDer(bag: forge.pkcs12.Bag): Uint8Array {
  const certificate = bag.cert ? pki.certificateToAsn1(bag.cert) : (bag.asn1 as forge.asn1.Asn1 | undefined);
  if (certificate === undefined) throw new DeviceClientError('p12_incomplete', 'a certificate bag holds no X.509 certificate');
  return new Uint8Array(Buffer.from(asn1.toDer(certificate).getBytes(), 'binary'));
}

import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { tryParseCertificate } from '../domain/chain/parse-certificate';
import { decodePemCertificates } from '../domain/chain/pem';
import { DeviceClientError } from './errors';

/**
 * What a device signs its assertions with: its private key and the
 * certification path of its certificate, ready for the JOSE `x5c` header
 * (RFC 7515 §4.1.6: the certificate holding the key first, each next one
 * its issuer).
 */
export interface DeviceCredentials {
  privateKey: KeyObject;
  /** DER, device certificate first, then its issuers; a self-signed root is left out (the pool holds it, docs/contract.md §4.2). */
  certificates: Uint8Array[];
  /** The device certificate's subject CN: the assertion's `sub` (docs/contract.md §4.2). */
  deviceId: string;
  /** base64url SHA-256 of the device certificate's DER: the token's `cnf.x5t#S256` (RFC 8705 §3.1). */
  certificateThumbprint: string;
}

/**
 * From a PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted ones need
 * `passphrase`) and a PEM file of certificates: the device's and its issuers,
 * in any order, as `cat device.crt intermediate-ca.crt root-ca.crt` makes it.
 * Throws DeviceClientError `key_unreadable`, `chain_unreadable`,
 * `key_certificate_mismatch`, `device_id_missing`.
 */
export function credentialsFromPem(keyPem: string | Buffer, chainPem: string | Buffer, passphrase?: string): DeviceCredentials {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(passphrase === undefined ? { key: keyPem, format: 'pem' } : { key: keyPem, format: 'pem', passphrase });
  } catch (error) {
    throw new DeviceClientError('key_unreadable', (error as Error).message);
  }
  const decoded = decodePemCertificates(typeof chainPem === 'string' ? chainPem : new Uint8Array(chainPem));
  if (!decoded.ok) throw new DeviceClientError('chain_unreadable', decoded.reason);
  return credentialsFromParts(privateKey, decoded.certificates);
}

/**
 * Orders `certificates` into the device's path: the one whose public key
 * matches `privateKey`, then repeatedly its issuer (name and signature,
 * RFC 5280 §6.1.3), ending before a self-signed root. Certificates off the
 * path (another device's, duplicates) are left out.
 */
export function credentialsFromParts(privateKey: KeyObject, certificates: readonly Uint8Array[]): DeviceCredentials {
  const parsed = uniqueCertificates(certificates);
  const device = parsed.find((certificate) => certificate.checkPrivateKey(privateKey));
  if (device === undefined)
    throw new DeviceClientError('key_certificate_mismatch', `none of the ${parsed.length} certificate(s) carries this key's public key`);
  const path = [device];
  for (let current = device; path.length <= parsed.length; ) {
    const issuer = parsed.find((candidate) => !path.includes(candidate) && issued(candidate, current));
    if (issuer === undefined || selfSigned(issuer)) break;
    path.push(issuer);
    current = issuer;
  }
  const deviceDer = new Uint8Array(device.raw);
  return {
    privateKey,
    certificates: path.map((certificate) => new Uint8Array(certificate.raw)),
    deviceId: subjectCommonName(deviceDer),
    certificateThumbprint: createHash('sha256').update(deviceDer).digest('base64url'),
  };
}

function uniqueCertificates(certificates: readonly Uint8Array[]): X509Certificate[] {
  const seen = new Set<string>();
  const unique: X509Certificate[] = [];
  for (const der of certificates) {
    const key = Buffer.from(der).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      unique.push(new X509Certificate(der));
    } catch (error) {
      throw new DeviceClientError('chain_unreadable', (error as Error).message);
    }
  }
  return unique;
}

function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

function selfSigned(certificate: X509Certificate): boolean {
  return issued(certificate, certificate);
}

/** docs/contract.md §4.2: `sub` must equal the subject CN; read by the token endpoint's own parser, so both agree on it. */
function subjectCommonName(der: Uint8Array): string {
  const parsed = tryParseCertificate(der);
  if (!parsed.ok) throw new DeviceClientError('chain_unreadable', parsed.detail);
  if (parsed.certificate.subjectCN === undefined || parsed.certificate.subjectCN === '') {
    throw new DeviceClientError('device_id_missing', `subject ${parsed.certificate.subjectDn}`);
  }
  return parsed.certificate.subjectCN;
}

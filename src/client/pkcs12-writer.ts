import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const { asn1, pki } = forge;
const { Class, Type } = asn1;

/** OpenSSL 3's `pkcs12 -export` defaults (PKCS12_DEFAULT_ITER), for the key encryption and the MAC alike. */
const PKCS12_ITERATIONS = 2048;

export interface Pkcs12Input {
  privateKey: KeyObject;
  /** DER, the key's certificate first, then its issuers. */
  certificates: readonly Uint8Array[];
  /** Printable ASCII; an empty one is allowed but protects nothing. */
  passphrase: string;
  /** friendlyName of the key and its certificate (RFC 7292 §4.2 attributes). */
  friendlyName?: string;
}

const seq = (value: forge.asn1.Asn1[]) => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, value);
const set = (value: forge.asn1.Asn1[]) => asn1.create(Class.UNIVERSAL, Type.SET, true, value);
const oid = (dotted: string) => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());
const octets = (bytes: string) => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes);
const explicit0 = (value: forge.asn1.Asn1) => asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [value]);
const der = (value: forge.asn1.Asn1) => asn1.toDer(value).getBytes();
const binary = (bytes: Uint8Array) => Buffer.from(bytes).toString('binary');

/** PKCS#7 ContentInfo of type data wrapping `content`'s DER (RFC 7292 §4.1). */
const dataContentInfo = (content: forge.asn1.Asn1) => seq([oid(pki.oids.data), explicit0(octets(der(content)))]);

function bagAttributes(localKeyId: string, friendlyName?: string): forge.asn1.Asn1 {
  const attributes = [seq([oid(pki.oids.localKeyId), set([octets(localKeyId)])])];
  if (friendlyName !== undefined) {
    attributes.push(seq([oid(pki.oids.friendlyName), set([asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, friendlyName)])]));
  }
  return set(attributes);
}

/**
 * A PKCS#12 file (RFC 7292) that OpenSSL 3 reads without its legacy
 * provider: the private key as a pkcs8ShroudedKeyBag encrypted by OpenSSL
 * itself (node:crypto, PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, RFC
 * 8018), the certificates in a certBag each, and an HMAC-SHA-256 integrity
 * MAC with the RFC 7292 Appendix B key derivation (node-forge). The key and
 * its certificate share a localKeyId (the certificate's SHA-1), as OpenSSL
 * pairs them. Returns the DER bytes.
 */
export function writePkcs12(input: Pkcs12Input): Buffer {
  const [leaf] = input.certificates;
  const localKeyId = createHash('sha1').update(leaf).digest().toString('binary');
  const attributes = bagAttributes(localKeyId, input.friendlyName);

  const certBags = input.certificates.map((certificate, index) =>
    seq([oid(pki.oids.certBag), explicit0(seq([oid(pki.oids.x509Certificate), explicit0(octets(binary(certificate)))])), ...(index === 0 ? [attributes] : [])]),
  );
  // OpenSSL (through node:crypto) picks PBES2 with PBKDF2-HMAC-SHA256 and its default 2048 iterations for an AES-256-CBC PKCS#8 export.
  const encryptedKey = input.privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: input.passphrase });
  const keyBag = seq([oid(pki.oids.pkcs8ShroudedKeyBag), explicit0(asn1.fromDer(binary(encryptedKey))), attributes]);

  const authenticatedSafe = seq([dataContentInfo(seq(certBags)), dataContentInfo(seq([keyBag]))]);
  const authenticatedSafeDer = der(authenticatedSafe);

  const macSalt = randomBytes(16).toString('binary');
  const macKey = forge.pkcs12.generateKey(input.passphrase, forge.util.createBuffer(macSalt), 3, PKCS12_ITERATIONS, 32, forge.md.sha256.create());
  const hmac = forge.hmac.create();
  hmac.start(forge.md.sha256.create(), macKey.getBytes());
  hmac.update(authenticatedSafeDer);
  const macData = seq([
    seq([seq([oid(pki.oids.sha256), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(PKCS12_ITERATIONS).getBytes()),
  ]);

  const pfx = seq([
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    seq([oid(pki.oids.data), explicit0(octets(authenticatedSafeDer))]),
    macData,
  ]);
  return Buffer.from(der(pfx), 'binary');
}

import { createHash } from 'node:crypto';
import { CA_FILES, certificatesPem, type OutputFile, privateKeyPem, writeOutputs } from './ca-files';
import { generateKey, type KeyType } from './key-types';
import { intermediateCertificate, rootCertificate } from './profiles';
import { attributeValue, countryCode } from './x509-name';

export interface CaInitOptions {
  outDir: string;
  /** Subject O of both CA certificates; default "Device IDP". */
  organization?: string;
  /** Two-letter subject C; default US. */
  country?: string;
  /** Default rsa-4096, the recipe's CA key size. */
  keyType?: KeyType;
  /** Default 3650 (root) and 1825 (intermediate), as in the recipe. */
  rootDays?: number;
  intermediateDays?: number;
  now?: Date;
  force?: boolean;
}

export interface CaInitResult {
  files: string[];
  /** SHA-256 of the root's DER, lowercase hex: the fingerprint the certificates API reports on upload. */
  rootFingerprint: string;
}

/**
 * An organisation CA for teams without a PKI: a self-signed root and a
 * `pathlen:0` device intermediate below it, written as the recipe's
 * root-ca.{crt,key}, intermediate-ca.{crt,key} and ca-chain.crt
 * (intermediate then root). Upload root-ca.crt to the pool; keep the keys
 * offline. Throws DeviceClientError `ca_input_invalid` or `output_exists`.
 */
export function initCa(options: CaInitOptions): CaInitResult {
  const organization = attributeValue('the organization', options.organization ?? 'Device IDP');
  const country = countryCode(options.country ?? 'US');
  const keyType = options.keyType ?? 'rsa-4096';
  const now = options.now ?? new Date();
  const rootKey = generateKey(keyType);
  const intermediateKey = generateKey(keyType);
  const root = rootCertificate(
    rootKey,
    [
      ['C', country],
      ['O', organization],
      ['CN', `${organization} Root CA`],
    ],
    { now, days: options.rootDays ?? 3650 },
  );
  const intermediate = intermediateCertificate(
    intermediateKey,
    [
      ['C', country],
      ['O', organization],
      ['CN', `${organization} Device Intermediate CA`],
    ],
    { certificate: root, key: rootKey },
    { now, days: options.intermediateDays ?? 1825 },
  );
  const files: OutputFile[] = [
    { name: CA_FILES.rootKey, content: privateKeyPem(rootKey), secret: true },
    { name: CA_FILES.rootCertificate, content: certificatesPem(root), secret: false },
    { name: CA_FILES.intermediateKey, content: privateKeyPem(intermediateKey), secret: true },
    { name: CA_FILES.intermediateCertificate, content: certificatesPem(intermediate), secret: false },
    { name: CA_FILES.caChain, content: certificatesPem(intermediate, root), secret: false },
  ];
  return { files: writeOutputs(options.outDir, files, options.force), rootFingerprint: createHash('sha256').update(root).digest('hex') };
}

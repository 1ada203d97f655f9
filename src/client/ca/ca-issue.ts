import { createPrivateKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { attributeValues } from '../../domain/chain/distinguished-name';
import { OID } from '../../domain/chain/oids';
import { tryParseCertificate } from '../../domain/chain/parse-certificate';
import { decodePemCertificates } from '../../domain/chain/pem';
import { isIdentifier } from '../../domain/identifiers';
import { DeviceClientError } from '../errors';
import { writePkcs12 } from '../pkcs12-writer';
import { CA_FILES, certificatesPem, DEVICE_FILES, type OutputFile, privateKeyPem, readInput, writeOutputs } from './ca-files';
import { generateKey, type KeyType } from './key-types';
import { deviceCertificate } from './profiles';
import { attributeValue, countryCode, type NameAttributes } from './x509-name';

export interface CaIssueOptions {
  /** The directory `initCa` wrote (intermediate-ca.crt and .key, root-ca.crt). */
  caDir: string;
  /** Subject CN: the assertion's `sub` and the device id of the admin API. */
  deviceId: string;
  /** Subject O: the token's business_unit_id. */
  businessUnit: string;
  outDir: string;
  /** `v3` (default) or `recipe`: the docs/contract.md §5 v1 shape with an RSA-2048 key and the recipe's ST/L placeholders. */
  shape?: 'v3' | 'recipe';
  /** Default rsa-2048; `recipe` allows only that. */
  keyType?: KeyType;
  /** Default 365. */
  days?: number;
  /** Two-letter subject C; default the intermediate's, else US. */
  country?: string;
  /** The PKCS#12 passphrase (printable ASCII); generated and written to device.p12.passphrase when absent. */
  passphrase?: string;
  now?: Date;
  force?: boolean;
}

export interface CaIssueResult {
  files: string[];
  /** Set when the passphrase was generated. */
  passphraseFile?: string;
}

/** The device id is the subject CN (RFC 5280 ub-common-name: 64) and an admin API path segment (identifier alphabet). */
function deviceIdentifier(value: string): string {
  if (!isIdentifier(value) || value.length > 64) {
    throw new DeviceClientError('ca_input_invalid', '--device-id must be 1-64 characters of A-Z a-z 0-9 . _ : @ - starting with a letter or digit');
  }
  return value;
}

/** RFC 7292 passwords are BMPStrings, and PBES2 reads bytes: printable ASCII means the same everywhere. */
function pkcs12Passphrase(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new DeviceClientError('ca_input_invalid', 'the PKCS#12 passphrase must be printable ASCII');
  return value;
}

function loadIntermediate(caDir: string): { certificate: Uint8Array; key: KeyObject; root: Uint8Array; country?: string } {
  const certificate = decodePemCertificates(readInput(caDir, CA_FILES.intermediateCertificate).toString('utf8'));
  const root = decodePemCertificates(readInput(caDir, CA_FILES.rootCertificate).toString('utf8'));
  if (!certificate.ok || !root.ok)
    throw new DeviceClientError('ca_files_unreadable', `${CA_FILES.intermediateCertificate} or ${CA_FILES.rootCertificate} holds no PEM certificate`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readInput(caDir, CA_FILES.intermediateKey));
  } catch (error) {
    if (error instanceof DeviceClientError) throw error;
    throw new DeviceClientError('ca_files_unreadable', `${CA_FILES.intermediateKey}: ${(error as Error).message}`);
  }
  const [intermediate] = certificate.certificates;
  if (!new X509Certificate(intermediate).checkPrivateKey(key)) {
    throw new DeviceClientError('ca_files_unreadable', `${CA_FILES.intermediateKey} is not the key of ${CA_FILES.intermediateCertificate}`);
  }
  const parsed = tryParseCertificate(intermediate);
  const country = parsed.ok ? attributeValues(parsed.certificate.subject, OID.country)[0] : undefined;
  return { certificate: intermediate, key, root: root.certificates[0], country };
}

/**
 * A device key and certificate under the intermediate of `caDir`, written
 * as the recipe's device.key, device.crt, device.chain.crt (device,
 * intermediate, root) and device.p12 (key and the same three certificates,
 * see writePkcs12). Throws DeviceClientError `ca_input_invalid`,
 * `ca_files_unreadable` or `output_exists`.
 */
export function issueDevice(options: CaIssueOptions): CaIssueResult {
  const shape = options.shape ?? 'v3';
  const deviceId = deviceIdentifier(options.deviceId);
  const businessUnit = attributeValue('--business-unit', options.businessUnit);
  if (shape === 'recipe' && options.keyType !== undefined && options.keyType !== 'rsa-2048') {
    throw new DeviceClientError('ca_input_invalid', '--recipe makes the recipe RSA-2048 device key; leave out --key-type');
  }
  const days = options.days ?? 365;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new DeviceClientError('ca_input_invalid', '--days must be 1-3650');
  const generated = options.passphrase === undefined;
  const passphrase = pkcs12Passphrase(options.passphrase ?? randomBytes(24).toString('base64url'));

  const ca = loadIntermediate(options.caDir);
  const country = countryCode(options.country ?? ca.country ?? 'US');
  const subject: NameAttributes =
    shape === 'recipe'
      ? [
          ['C', country],
          ['ST', 'State'],
          ['L', 'City'],
          ['O', businessUnit],
          ['CN', deviceId],
        ]
      : [
          ['C', country],
          ['O', businessUnit],
          ['CN', deviceId],
        ];
  const key = generateKey(options.keyType ?? 'rsa-2048');
  const device = deviceCertificate(key, subject, { certificate: ca.certificate, key: ca.key }, { now: options.now ?? new Date(), days }, shape);

  const chain = [device, ca.certificate, ca.root];
  const files: OutputFile[] = [
    { name: DEVICE_FILES.key, content: privateKeyPem(key), secret: true },
    { name: DEVICE_FILES.certificate, content: certificatesPem(device), secret: false },
    { name: DEVICE_FILES.chain, content: certificatesPem(...chain), secret: false },
    { name: DEVICE_FILES.pkcs12, content: writePkcs12({ privateKey: key, certificates: chain, passphrase, friendlyName: deviceId }), secret: true },
  ];
  if (generated) files.push({ name: DEVICE_FILES.passphrase, content: `${passphrase}\n`, secret: true });
  const written = writeOutputs(options.outDir, files, options.force);
  return { files: written, ...(generated ? { passphraseFile: written[written.length - 1] } : {}) };
}

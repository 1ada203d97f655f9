import { toHex } from '../chain/asn1';
import { serialNumberRefusal } from '../chain/checks/certificate-profile';
import { type CrlReason, crlReasonOf } from './crl-reasons';
import { content, DER, expectTlv, integerContent, malformed, oidText, readCriticalFlag, readTime, readTlv, type Tlv } from './der-reader';
import { serialNumberKey } from './serial-number';

/** One entry of revokedCertificates, as encoded (removeFromCRL entries included). */
export interface ParsedCrlEntry {
  /** serialNumberKey: `ParsedCertificate.serialNumberHex` for non-negative serials, "-" and the magnitude for negative ones. */
  readonly serialNumberHex: string;
  /**
   * False when no certificate this IDP accepts can carry the serial: negative,
   * zero or longer than 20 octets (RFC 5280 §4.1.2.2, the rule every
   * certificate of a path passes, checkSerialNumber). Such an entry can never
   * match and is not stored (assessCrlImport counts it in `ignoredCount`).
   */
  readonly matchable: boolean;
  readonly revocationDate: Date;
  readonly reason?: CrlReason;
  readonly invalidityDate?: Date;
  /** Entry extensions other than reasonCode, invalidityDate and holdInstructionCode. */
  readonly otherExtensions: readonly EntryExtension[];
}

interface EntryExtension {
  readonly oid: string;
  readonly critical: boolean;
}

/** Entry extension OIDs by the hex of their content octets (2.5.29.x). */
const REASON_CODE = '551d15';
const INVALIDITY_DATE = '551d18';
const HOLD_INSTRUCTION_CODE = '551d17';

const NONE: readonly EntryExtension[] = [];

/** Real entries carry at most a handful; the bound keeps the duplicate check cheap on hostile input. */
const MAX_ENTRY_EXTENSIONS = 16;

/**
 * `revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, revocationDate,
 * crlEntryExtensions Extensions OPTIONAL }`
 * ([RFC 5280 §5.1.2.6](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.6)),
 * decoded in one linear pass. `version` 1 CRLs carry no entry extensions.
 */
export function parseEntries(bytes: Uint8Array, list: Tlv, version: 1 | 2): ParsedCrlEntry[] {
  const entries: ParsedCrlEntry[] = [];
  for (let offset = list.contentStart; offset < list.end; ) {
    const entry = expectTlv(bytes, offset, list.end, DER.sequence, 'revokedCertificates');
    offset = entry.end;
    const what = `revoked entry #${entries.length}`;
    const serial = readTlv(bytes, entry.contentStart, entry.end, what);
    const date = readTlv(bytes, serial.end, entry.end, what);
    const octets = integerContent(bytes, serial, `${what} serial number`);
    const matchable = serialNumberRefusal(octets) === undefined;
    const serialNumberHex = matchable ? serialNumberKey(octets) : unmatchableSerialKey(octets);
    const revocationDate = readTime(bytes, date, `${what} revocationDate`);
    if (date.end === entry.end) {
      entries.push({ serialNumberHex, matchable, revocationDate, otherExtensions: NONE });
      continue;
    }
    if (version === 1) throw malformed(what, 'entry extensions in a v1 CRL (RFC 5280 §5.1.2.1)');
    const extensions = expectTlv(bytes, date.end, entry.end, DER.sequence, `${what} extensions`);
    if (extensions.end !== entry.end) throw malformed(what, 'unexpected field after the entry extensions');
    entries.push({ serialNumberHex, matchable, revocationDate, ...parseEntryExtensions(bytes, extensions, what) });
  }
  return entries;
}

/** Serials longer than this are shown shortened: an entry may carry a serial of a megabyte, and messages name it. */
const SHOWN_SERIAL_OCTETS = 32;

/** The serialNumberKey of a serial no certificate can carry, shortened when it is long (it is only ever shown, never stored or matched). */
function unmatchableSerialKey(octets: Uint8Array): string {
  if (octets.length <= SHOWN_SERIAL_OCTETS) return serialNumberKey(octets);
  return `${toHex(octets.subarray(0, SHOWN_SERIAL_OCTETS))}…(${octets.length} octets)`;
}

type EntryFields = Pick<ParsedCrlEntry, 'reason' | 'invalidityDate' | 'otherExtensions'>;

/** [RFC 5280 §5.3](https://www.rfc-editor.org/rfc/rfc5280#section-5.3): reasonCode and invalidityDate are understood, and holdInstructionCode; anything else is kept for the checks. */
function parseEntryExtensions(bytes: Uint8Array, list: Tlv, what: string): EntryFields {
  const fields: { reason?: CrlReason; invalidityDate?: Date; otherExtensions: EntryExtension[] } = { otherExtensions: [] };
  const seen: string[] = [];
  if (list.contentStart === list.end) throw malformed(what, 'empty entry extensions (SEQUENCE SIZE (1..MAX))');
  for (let offset = list.contentStart; offset < list.end; ) {
    const extension = expectTlv(bytes, offset, list.end, DER.sequence, `${what} extension`);
    offset = extension.end;
    const id = expectTlv(bytes, extension.contentStart, extension.end, DER.oid, `${what} extension id`);
    let value = readTlv(bytes, id.end, extension.end, `${what} extension`);
    let critical = false;
    if (value.tag === DER.boolean) {
      critical = readCriticalFlag(bytes, value, `${what} extension`);
      value = readTlv(bytes, value.end, extension.end, `${what} extension`);
    }
    if (value.tag !== DER.octetString || value.end !== extension.end) throw malformed(what, 'entry extension is not { id, critical, OCTET STRING }');
    // Known extensions are matched on their exact (hence valid) encoding; only others are decoded to text.
    const idHex = toHex(content(bytes, id));
    if (seen.includes(idHex)) throw malformed(what, 'duplicate entry extension');
    if (seen.length >= MAX_ENTRY_EXTENSIONS) throw malformed(what, `more than ${MAX_ENTRY_EXTENSIONS} entry extensions`);
    seen.push(idHex);
    if (idHex === REASON_CODE) fields.reason = readReason(bytes, value, what);
    else if (idHex === INVALIDITY_DATE) fields.invalidityDate = readInvalidityDate(bytes, value, what);
    else if (idHex === HOLD_INSTRUCTION_CODE) expectOidValue(bytes, value, what);
    else fields.otherExtensions.push({ oid: oidText(bytes, id, `${what} extension id`), critical });
  }
  return fields.otherExtensions.length === 0 ? { ...fields, otherExtensions: NONE } : fields;
}

/** reasonCode ::= ENUMERATED; 7 is unused and nothing beyond aACompromise (10) is defined. */
function readReason(bytes: Uint8Array, value: Tlv, what: string): CrlReason {
  const enumerated = expectTlv(bytes, value.contentStart, value.end, DER.enumerated, `${what} reasonCode`);
  if (enumerated.end !== value.end) throw malformed(what, 'trailing bytes after reasonCode');
  const octets = integerContent(bytes, enumerated, `${what} reasonCode`, DER.enumerated);
  const reason = octets.length === 1 ? crlReasonOf(octets[0]) : undefined;
  if (reason === undefined) throw malformed(what, 'reasonCode is not a CRLReason (RFC 5280 §5.3.1)');
  return reason;
}

/** invalidityDate ::= GeneralizedTime ([RFC 5280 §5.3.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.3.2)). */
function readInvalidityDate(bytes: Uint8Array, value: Tlv, what: string): Date {
  const time = expectTlv(bytes, value.contentStart, value.end, DER.generalizedTime, `${what} invalidityDate`);
  if (time.end !== value.end) throw malformed(what, 'trailing bytes after invalidityDate');
  return readTime(bytes, time, `${what} invalidityDate`);
}

/** holdInstructionCode ::= OBJECT IDENTIFIER ([RFC 3280 §5.3.2](https://www.rfc-editor.org/rfc/rfc3280#section-5.3.2); dropped by RFC 5280, still issued, informational). */
function expectOidValue(bytes: Uint8Array, value: Tlv, what: string): void {
  const oid = expectTlv(bytes, value.contentStart, value.end, DER.oid, `${what} holdInstructionCode`);
  if (oid.end !== value.end) throw malformed(what, 'trailing bytes after holdInstructionCode');
  oidText(bytes, oid, `${what} holdInstructionCode`);
}

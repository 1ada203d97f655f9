/**
 * The one PEM reader of the product (docs/contract.md §3.1): [RFC 7468 §3](https://www.rfc-editor.org/rfc/rfc7468#section-3)
 * "lax" parsing, so that files people actually have read as they are. Text
 * outside the blocks is ignored ([RFC 7468 §2](https://www.rfc-editor.org/rfc/rfc7468#section-2):
 * `openssl pkcs12 -nokeys` "Bag Attributes", the `openssl x509 -text` dump, a
 * UTF-8 byte-order mark); whitespace anywhere in the base64 text is ignored
 * (CRLF, trailing spaces, any line length); everything else is strict: the
 * base64 alphabet (`Buffer.from` silently skips invalid characters), its
 * padding, and a BEGIN line closed by the END line of the same label.
 *
 * One forward scan with `indexOf` and a per-character loop, no regular
 * expression on the untrusted text: a backtracking pattern would take
 * quadratic time on a hostile upload of many BEGIN lines without END.
 */

interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

type PemProblemKind = 'malformed_boundary' | 'begin_without_end' | 'label_mismatch' | 'invalid_base64';

interface PemProblem {
  readonly kind: PemProblemKind;
  /** The label of the block in question. */
  readonly label: string;
  readonly detail: string;
}

export interface PemReading {
  /**
   * The label of every BEGIN line in the text, in order, even past a broken
   * block: a caller refuses a private key or a CSR anywhere in a file before
   * anything else, whatever state the rest of the file is in.
   */
  readonly labels: readonly string[];
  /** The complete blocks, in order; empty when `problem` is set. */
  readonly blocks: readonly PemBlock[];
  /** The first malformed block, if any: the whole text is then refused. */
  readonly problem?: PemProblem;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** RFC 7468 §3 leaves labels unbounded; real ones ("ENCRYPTED PRIVATE KEY", "X509 CRL") are short. */
const MAX_LABEL_LENGTH = 64;

/** Reads PEM text; bytes are read as Latin-1, which maps every byte to one character (a BOM stays outside the blocks). */
export function readPem(input: string | Uint8Array): PemReading {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const labels = beginLabels(text);
  const blocks: PemBlock[] = [];
  for (let from = 0; ; ) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) return { labels, blocks };
    const label = labelAt(text, begin + BEGIN.length);
    if (label === undefined) return refused(labels, 'malformed_boundary', '', 'a -----BEGIN line without a valid label and closing "-----"');
    const bodyStart = begin + BEGIN.length + label.length + DASHES.length;
    const end = text.indexOf(END, bodyStart);
    const nextBegin = text.indexOf(BEGIN, bodyStart);
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
      return refused(labels, 'begin_without_end', label, `PEM block "${label}" has no END line`);
    }
    const endLabel = labelAt(text, end + END.length);
    if (endLabel !== label) {
      return refused(labels, 'label_mismatch', label, `PEM block "${label}" ends with -----END ${endLabel ?? '(malformed)'}-----`);
    }
    const der = decodeBase64Body(text, bodyStart, end);
    if (typeof der === 'string') return refused(labels, 'invalid_base64', label, `PEM block "${label}" is not valid base64: ${der}`);
    blocks.push({ label, der });
    from = end + END.length + label.length + DASHES.length;
  }
}

function refused(labels: readonly string[], kind: PemProblemKind, label: string, detail: string): PemReading {
  return { labels, blocks: [], problem: { kind, label, detail } };
}

/** Every BEGIN label, malformed ones left out (they are refused by the main scan). */
function beginLabels(text: string): string[] {
  const labels: string[] = [];
  for (let at = text.indexOf(BEGIN); at >= 0; at = text.indexOf(BEGIN, at + BEGIN.length)) {
    const label = labelAt(text, at + BEGIN.length);
    if (label !== undefined) labels.push(label);
  }
  return labels;
}

/**
 * The label starting at `start` and closed by "-----", looked for within
 * MAX_LABEL_LENGTH characters only. RFC 7468 §3: printable characters, single
 * spaces or hyphens between them.
 */
function labelAt(text: string, start: number): string | undefined {
  const close = text.slice(start, start + MAX_LABEL_LENGTH + DASHES.length).indexOf(DASHES);
  if (close <= 0) return undefined;
  const label = text.slice(start, start + close);
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    const separator = c === 0x20 || c === 0x2d;
    if (separator ? i === 0 || i === label.length - 1 || isSeparator(label.charCodeAt(i - 1)) : c < 0x21 || c > 0x7e) return undefined;
  }
  return label;
}

const isSeparator = (c: number): boolean => c === 0x20 || c === 0x2d;

/** RFC 7468 §3 W: space, tab, LF, VT, FF, CR. */
const isWhitespace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

const isBase64 = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;

/** Strict standard base64 (RFC 4648 §4) between `start` and `end`, whitespace ignored; a reason string when invalid. */
function decodeBase64Body(text: string, start: number, end: number): Uint8Array | string {
  let compact = '';
  let padding = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) continue;
    if (c === 0x3d) {
      padding++;
    } else if (padding > 0 || !isBase64(c)) {
      if (c === 0x2d || c === 0x5f) return 'base64url characters ("-", "_") are not PEM base64';
      return padding > 0 && isBase64(c) ? 'data after "=" padding' : `unexpected character "${text[i]}"`;
    }
    compact += text[i];
  }
  if (compact.length === padding) return 'no data';
  if (padding > 2 || compact.length % 4 !== 0) return 'its length or padding is wrong (truncated?)';
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

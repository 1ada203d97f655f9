import type { ChainErrorCode } from './error-codes';
import type { ParsedCertificate } from './parse-certificate';

interface ChainSuccess {
  readonly valid: true;
  /** Leaf first, ending with the trust anchor (which may be the last supplied certificate). */
  readonly path: readonly ParsedCertificate[];
  readonly leaf: ParsedCertificate;
  readonly anchor: ParsedCertificate;
}

export interface ChainFailure {
  readonly valid: false;
  readonly code: ChainErrorCode;
  /** Human-readable reason naming the certificate; safe to log (no key material). */
  readonly detail: string;
}

export type ChainValidationResult = ChainSuccess | ChainFailure;

export function failure(code: ChainErrorCode, detail: string): ChainFailure {
  return { valid: false, code, detail };
}

import type { LimboResult } from './limbo-case';

/**
 * What one engine said about one case. `ERROR` means the engine gave no
 * verdict (timeout, crash, tool missing): it never counts as agreement.
 */
export interface EngineVerdict {
  readonly result: LimboResult | 'ERROR';
  /** Error code and reason, or the tool's message. */
  readonly detail: string;
}

export type EngineName = 'core' | 'openssl' | 'pkijs';

import { type RefusalCodeIn, refusalCodesIn } from '../../refusal-codes';

/**
 * Stable error codes of chain validation: the `chain` area of the refusal
 * registry (src/refusal-codes.ts, grouped there by RFC 5280 section). They
 * are part of the public contract (logs, metrics, conformance runs): never
 * renamed.
 */
export const CHAIN_ERROR_CODES: readonly ChainErrorCode[] = refusalCodesIn('chain');

export type ChainErrorCode = RefusalCodeIn<'chain'>;

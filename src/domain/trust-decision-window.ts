/**
 * The one duration of the protocol that makes taking trust back final
 * without a per-token read of the pool after the commit (src/storage/keys.ts,
 * "Why taking trust back is final").
 *
 * - `deadlineMs`: a token decision whose commit is acknowledged more than
 *   this long after its read was sent re-reads the pool's trustEpoch before
 *   the token may leave.
 * - `settleMs` (≥ deadlineMs): a change that takes trust away answers only
 *   this long after its commit was acknowledged, so any decision that read
 *   the state before the change either left before that answer or goes
 *   through the re-read.
 *
 * Durations are measured on each process's monotonic clock
 * (`performance.now()`): only clock rates must agree, not clocks.
 */
export interface TrustDecisionWindow {
  readonly deadlineMs: number;
  readonly settleMs: number;
}

/** Margin of settleMs over deadlineMs: scheduling of the answer, clock-rate differences. */
const SETTLE_MARGIN_MS = 100;

export function trustDecisionWindow(deadlineMs: number): TrustDecisionWindow {
  if (!Number.isInteger(deadlineMs) || deadlineMs <= 0) throw new Error('the trust decision deadline must be a positive integer of milliseconds');
  return { deadlineMs, settleMs: deadlineMs + SETTLE_MARGIN_MS };
}

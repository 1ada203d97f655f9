import { setTimeout as sleep } from 'node:timers/promises';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';

/** What a change that took trust away awaits before it may answer (src/domain/trust-decision-window.ts). */
export async function settleTrustChange(window: TrustDecisionWindow): Promise<void> {
  await sleep(window.settleMs);
}

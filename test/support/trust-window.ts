import { trustDecisionWindow } from '../../src/domain/trust-decision-window';

/**
 * The trust decision window of repositories built directly by integration
 * tests: short, so trust changes answer quickly; the protocol holds for any
 * value (src/storage/trust-decision-window.ts).
 */
export const TEST_TRUST_WINDOW = trustDecisionWindow(20);

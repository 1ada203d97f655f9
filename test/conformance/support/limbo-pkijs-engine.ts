import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineVerdict } from './limbo-verdict';

/** One chain for pkijs' `CertificateChainValidationEngine`. */
export interface PkijsInput {
  readonly id: string;
  readonly trustedPems: readonly string[];
  /**
   * pkijs takes the LAST element of `certs` as the end entity (docs/contract.md §5), so
   * this is the untrusted intermediates followed by the peer.
   */
  readonly certPems: readonly string[];
  readonly checkDate: Date;
}

export interface PkijsLimits {
  /** Per chain: pkijs' path building has no loop guard and never returns on two CAs that sign each other. */
  readonly timeoutMs: number;
  /** Whole run: once spent, the remaining chains get ERROR instead of a verdict. */
  readonly budgetMs: number;
}

export const DEFAULT_PKIJS_LIMITS: PkijsLimits = { timeoutMs: 5_000, budgetMs: 30_000 };

/*
 * Runs in a worker thread, as plain JavaScript (no TypeScript loader needed,
 * under jest or tsx alike). pkijs is ESM, hence the dynamic import.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = import(workerData.pkijsUrl);
const der = (pem) => {
  const bytes = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\\s+/g, ''), 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};
parentPort.on('message', async (input) => {
  let verdict;
  try {
    const pkijs = await loaded;
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: input.trustedPems.map((pem) => pkijs.Certificate.fromBER(der(pem))),
      certs: input.certPems.map((pem) => pkijs.Certificate.fromBER(der(pem))),
      checkDate: new Date(input.checkDate),
    });
    const result = await engine.verify();
    verdict = result.result === true
      ? { result: 'SUCCESS', detail: 'verified' }
      : { result: 'FAILURE', detail: String(result.resultMessage || 'resultCode ' + result.resultCode) };
  } catch (error) {
    verdict = { result: 'FAILURE', detail: 'threw: ' + String((error && (error.resultMessage || error.message)) || error) };
  }
  parentPort.postMessage({ id: input.id, verdict });
});
`;

/**
 * Runs each chain through pkijs 4.0.0's `CertificateChainValidationEngine`
 * alone, in one worker thread, one chain at a time. A chain that does not
 * finish within `timeoutMs` gets ERROR and its worker is terminated (which
 * stops even a synchronous loop) and replaced, so a hang never stalls the run.
 */
export async function runPkijsEngine(inputs: readonly PkijsInput[], limits: PkijsLimits = DEFAULT_PKIJS_LIMITS): Promise<Map<string, EngineVerdict>> {
  const pkijsUrl = pathToFileURL(require.resolve('pkijs')).href;
  const spawn = (): Worker => new Worker(WORKER_SOURCE, { eval: true, workerData: { pkijsUrl }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  const verdicts = new Map<string, EngineVerdict>();
  const deadline = Date.now() + limits.budgetMs;
  let worker = spawn();
  try {
    for (const input of inputs) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        verdicts.set(input.id, { result: 'ERROR', detail: `not run: the pkijs budget of ${limits.budgetMs} ms was spent` });
        continue;
      }
      const outcome = await runOne(worker, input, Math.min(limits.timeoutMs, remaining));
      verdicts.set(input.id, outcome.verdict);
      if (outcome.workerLost) {
        await worker.terminate();
        worker = spawn();
      }
    }
  } finally {
    await worker.terminate();
  }
  return verdicts;
}

function runOne(worker: Worker, input: PkijsInput, timeoutMs: number): Promise<{ verdict: EngineVerdict; workerLost: boolean }> {
  return new Promise((resolve) => {
    const finish = (verdict: EngineVerdict, workerLost: boolean): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      resolve({ verdict, workerLost });
    };
    const onMessage = (message: { id: string; verdict: EngineVerdict }): void => {
      if (message.id === input.id) finish(message.verdict, false);
    };
    const onError = (error: Error): void => finish({ result: 'ERROR', detail: `pkijs worker died: ${error.message}` }, true);
    const onTimeout = (): void => finish({ result: 'ERROR', detail: `timed out after ${timeoutMs} ms (no loop guard in pkijs path building)` }, true);
    const timer = setTimeout(onTimeout, timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage({ ...input, checkDate: input.checkDate.toISOString() });
  });
}

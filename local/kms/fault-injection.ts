import { KmsError } from './kms-error';

/**
 * Test-only fault injection for the local KMS: `server.injectFault(...)` makes
 * the next N requests for one operation answer a given KMS error before they
 * are parsed or served (no key is touched), the way a throttled or failing
 * KMS answers. Only code holding the server object can arm it; nothing on the
 * HTTP interface reads or changes it.
 */
export interface KmsFault {
  /** The KMS error code sent as `__type` and `x-amzn-ErrorType`, e.g. 'ThrottlingException', 'KMSInternalException'. */
  type: string;
  message?: string;
  /** HTTP status, 400 to 599; default 400 (KMS sends ThrottlingException with 400, KMSInternalException with 500). */
  status?: number;
}

interface Armed {
  error: KmsError;
  remaining: number;
}

export class FaultInjector {
  private readonly armed = new Map<string, Armed[]>();

  constructor(private readonly operations: ReadonlySet<string>) {}

  /** Queues `times` failures for `operation`; faults armed for the same operation fire in the order they were armed. */
  inject(operation: string, fault: KmsFault, times = 1): void {
    if (!this.operations.has(operation)) throw new TypeError(`the local KMS does not implement ${operation}`);
    if (!Number.isInteger(times) || times < 1) throw new TypeError('times must be a positive integer');
    const status = fault.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError('status must be an HTTP error status (400-599)');
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(fault.type)) throw new TypeError('type must be an error code such as ThrottlingException');
    const message = fault.message ?? `${fault.type} injected by a test into the local KMS`;
    const queue = this.armed.get(operation) ?? [];
    queue.push({ error: new KmsError(fault.type, message, status), remaining: times });
    this.armed.set(operation, queue);
  }

  /** The error the next request for `operation` must answer, if a fault is armed; consumes one occurrence. */
  take(operation: string): KmsError | undefined {
    const queue = this.armed.get(operation);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    if (queue.length === 0) this.armed.delete(operation);
    return head.error;
  }

  /** How many injected failures are still armed for `operation` (all operations when omitted). */
  pending(operation?: string): number {
    const queues = operation === undefined ? [...this.armed.values()] : [this.armed.get(operation) ?? []];
    return queues.flat().reduce((sum, armed) => sum + armed.remaining, 0);
  }

  clear(operation?: string): void {
    if (operation === undefined) this.armed.clear();
    else this.armed.delete(operation);
  }
}

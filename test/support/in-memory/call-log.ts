/**
 * What an in-memory port was asked, in order, and the instants a test may
 * take over: `before(method, hook)` runs once, just before the next call of
 * `method` is evaluated, with its arguments (a concurrent writer acting
 * between a read and a conditional write); `failNext(method, error)` makes
 * the next call throw before it reads or writes anything (an outage: the
 * DynamoDB and S3 adapters wrap those in DependencyError).
 */
export class CallLog<Method extends string> {
  /** Every call, as `method` and its arguments (cloned where the port clones). */
  readonly calls: Array<{ method: Method; args: readonly unknown[] }> = [];
  private readonly hooks = new Map<Method, Array<(...args: unknown[]) => unknown>>();
  private readonly failures = new Map<Method, unknown[]>();

  before(method: Method, hook: (...args: never[]) => unknown): void {
    this.queue(this.hooks, method).push(hook as (...args: unknown[]) => unknown);
  }

  failNext(method: Method, error: unknown): void {
    this.queue(this.failures, method).push(error);
  }

  /** Names of the calls made, in order (`count` of one method: `of(method).length`). */
  methods(): Method[] {
    return this.calls.map((call) => call.method);
  }

  of(method: Method): Array<readonly unknown[]> {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  /** Called first by every port method: records the call, runs its hook, throws its failure. */
  async enter(method: Method, ...args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    await this.hooks.get(method)?.shift()?.(...args);
    const failures = this.failures.get(method);
    if (failures && failures.length > 0) throw failures.shift();
  }

  private queue<T>(map: Map<Method, T[]>, method: Method): T[] {
    let queue = map.get(method);
    if (!queue) {
      queue = [];
      map.set(method, queue);
    }
    return queue;
  }
}

import { __Client as SmithyClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts the AWS SDK v3 calls this process makes, per service, with
 * middleware on the clients themselves: one count per API call at the
 * `initialize` step, one per HTTP attempt at the `deserialize` step (inside
 * the retry loop), so attempts − calls = retries.
 *
 * The functions build their clients at module scope (src/aws-clients.ts),
 * out of the bench's reach, so the middleware is attached to each client's
 * stack on its first `send`, by wrapping the `send` every SDK v3 client
 * inherits from the one Smithy `Client` class (DynamoDBDocumentClient
 * shares its DynamoDBClient's stack, so it is counted once, as DynamoDB).
 * Nothing in src/ changes.
 */
export interface ServiceTally {
  calls: number;
  attempts: number;
  /** Calls per operation, e.g. { GetItemCommand: 50 }. */
  readonly operations: Map<string, number>;
}

export class SdkCallCounter {
  private readonly tallies = new Map<string, ServiceTally>();
  private readonly instrumented = new WeakSet<object>();
  private uninstall?: () => void;

  /** Starts counting in every SDK client of this process (idempotent). */
  install(): void {
    if (this.uninstall) return;
    const prototype = SmithyClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
    const send = prototype.send;
    const attach = (client: InstrumentableClient) => this.attach(client);
    prototype.send = function (this: InstrumentableClient, ...args: unknown[]) {
      attach(this);
      return send.apply(this, args);
    };
    this.uninstall = () => {
      prototype.send = send;
    };
  }

  restore(): void {
    this.uninstall?.();
    this.uninstall = undefined;
  }

  reset(): void {
    this.tallies.clear();
  }

  /** The tally of a service by its SDK service id (`DynamoDB`, `KMS`, `S3`, `Secrets Manager`); zero when never called. */
  tally(serviceId: string): ServiceTally {
    return this.tallies.get(serviceId) ?? { calls: 0, attempts: 0, operations: new Map() };
  }

  services(): string[] {
    return [...this.tallies.keys()];
  }

  private attach(client: InstrumentableClient): void {
    const stack = client.middlewareStack;
    if (this.instrumented.has(stack)) return;
    this.instrumented.add(stack);
    const serviceId = client.config?.serviceId ?? 'unknown';
    const tally = () => {
      let entry = this.tallies.get(serviceId);
      if (!entry) {
        entry = { calls: 0, attempts: 0, operations: new Map() };
        this.tallies.set(serviceId, entry);
      }
      return entry;
    };
    stack.add(
      (next, context) => async (args) => {
        const entry = tally();
        entry.calls++;
        const operation = String(context.commandName ?? 'unknown');
        entry.operations.set(operation, (entry.operations.get(operation) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchCallCounter', priority: 'high' },
    );
    stack.add(
      (next) => async (args) => {
        tally().attempts++;
        return next(args);
      },
      { step: 'deserialize', name: 'benchAttemptCounter', priority: 'low' },
    );
  }
}

type Handler = (args: object) => Promise<object>;

/** The part of a Smithy client the counter touches (structural, so no transitive @smithy package is imported). */
interface InstrumentableClient {
  readonly config?: { serviceId?: string };
  readonly middlewareStack: {
    add(
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: 'initialize' | 'deserialize'; name: string; priority: 'high' | 'low' },
    ): void;
  };
}

import { __Client as SmithyClient } from '@aws-sdk/client-dynamodb';
import { AwsJsonClient } from '../src/aws-json/aws-json-client';

/**
 * Counts the AWS calls this process makes, per service, on the clients
 * themselves: the functions' AWS JSON clients (src/aws-json/: DynamoDB
 * everywhere, KMS signing) by wrapping their `call` (one count per API call)
 * and the HTTP attempt inside it (`send`, inside the retry loop); the AWS
 * SDK v3 clients (S3, Secrets Manager, KMS keys) with middleware: one count
 * per API call at the
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

  /** Starts counting in every AWS client of this process (idempotent). */
  install(): void {
    if (this.uninstall) return;
    const restoreJson = this.installJsonClients();
    const prototype = SmithyClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
    const send = prototype.send;
    const attach = (client: InstrumentableClient) => this.attach(client);
    prototype.send = function (this: InstrumentableClient, ...args: unknown[]) {
      attach(this);
      return send.apply(this, args);
    };
    this.uninstall = () => {
      prototype.send = send;
      restoreJson();
    };
  }

  private installJsonClients(): () => void {
    const prototype = AwsJsonClient.prototype as unknown as JsonClientInternals;
    const { call, send } = prototype;
    const tally = (client: JsonClientInternals) => this.entry(JSON_SERVICE_IDS[client.options.service] ?? client.options.service);
    prototype.call = function (this: JsonClientInternals, operation: string, ...rest: unknown[]) {
      const entry = tally(this);
      entry.calls++;
      entry.operations.set(operation, (entry.operations.get(operation) ?? 0) + 1);
      return call.call(this, operation, ...rest);
    };
    prototype.send = function (this: JsonClientInternals, ...args: unknown[]) {
      tally(this).attempts++;
      return send.apply(this, args);
    };
    return () => {
      prototype.call = call;
      prototype.send = send;
    };
  }

  private entry(serviceId: string): ServiceTally {
    let entry = this.tallies.get(serviceId);
    if (!entry) {
      entry = { calls: 0, attempts: 0, operations: new Map() };
      this.tallies.set(serviceId, entry);
    }
    return entry;
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
    const tally = () => this.entry(serviceId);
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

/** The SDK's service ids of the services the AWS JSON clients call, by signing name. */
const JSON_SERVICE_IDS: Readonly<Record<string, string>> = { dynamodb: 'DynamoDB', kms: 'KMS' };

/** What the counter wraps of an AwsJsonClient (its `call` and per-attempt `send`). */
interface JsonClientInternals {
  readonly options: { service: string };
  call(operation: string, ...rest: unknown[]): Promise<unknown>;
  send(...args: unknown[]): Promise<unknown>;
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

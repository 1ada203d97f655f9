import type { CallOptions, DocumentClient } from '../../src/storage/document-client';

/** A call of the port: the method's name and its input (the `<Operation>CommandInput` of `@aws-sdk/lib-dynamodb`). */
export interface DocumentClientCall {
  readonly method: keyof DocumentClient;
  readonly input: Record<string, unknown>;
}

/**
 * `client` with some of its methods replaced (to hold, fail, blind or race a
 * call), every other one delegating to it unchanged. An override that means
 * to pass the call on calls `client.<method>(input, options)` itself.
 */
export function withOverrides(client: DocumentClient, overrides: Partial<DocumentClient>): DocumentClient {
  const delegating: DocumentClient = {
    get: (input, options) => client.get(input, options),
    put: (input, options) => client.put(input, options),
    update: (input, options) => client.update(input, options),
    delete: (input, options) => client.delete(input, options),
    query: (input, options) => client.query(input, options),
    scan: (input, options) => client.scan(input, options),
    batchGet: (input, options) => client.batchGet(input, options),
    batchWrite: (input, options) => client.batchWrite(input, options),
    transactWrite: (input, options) => client.transactWrite(input, options),
  };
  return { ...delegating, ...overrides };
}

/** `client`, telling `record` of every call (in the order they are made) before it delegates it. */
export function recordingCalls(client: DocumentClient, record: (call: DocumentClientCall) => void): DocumentClient {
  const delegating = withOverrides(client, {});
  const recording = (method: keyof DocumentClient) => {
    const delegate = delegating[method] as (input: Record<string, unknown>, options?: CallOptions) => Promise<unknown>;
    return (input: Record<string, unknown>, options?: CallOptions) => {
      record({ method, input });
      return delegate(input, options);
    };
  };
  return Object.fromEntries((Object.keys(delegating) as Array<keyof DocumentClient>).map((method) => [method, recording(method)])) as unknown as DocumentClient;
}

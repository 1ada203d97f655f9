import { fromEnv } from '@aws-sdk/credential-provider-env';
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError, StandardRetryStrategy } from '@smithy/core/retry';
import { Hash } from '@smithy/core/serde';
import { HttpRequest, type HttpResponse } from '@smithy/core/transport';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpHandlerOptions, RetryErrorType, SdkError } from '@smithy/types';
import { AWS_CLIENT_DEFAULTS } from '../aws-client-defaults';
import type { CallOptions } from '../storage/document-client';
import { AwsClientConfigError, serviceEndpoint } from './endpoints';

/**
 * A client of one AWS service that speaks the AWS JSON protocol (awsJson1_0:
 * DynamoDB; awsJson1_1: KMS): POST `/` with `X-Amz-Target:
 * <prefix>.<Operation>` and the input as JSON, blobs as base64.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 *
 * Built from the AWS SDK for JavaScript v3's own parts — SigV4 signing
 * (`@smithy/signature-v4`), the Node.js HTTP handler with its connection and
 * request timeouts (`@smithy/node-http-handler`), the standard retry strategy
 * and error classification (`@smithy/core/retry`), credentials from the
 * environment (`@aws-sdk/credential-provider-env`: what Lambda sets) — without
 * the SDK's generic client runtime, whose loading was most of a function's
 * cold start (README "Benchmark", `<function>_init_ms`). Settings are the
 * functions' (src/aws-client-defaults.ts): the same attempts and timeouts as
 * their SDK clients.
 *
 * A failed call throws what the SDK would: an {@link AwsServiceError} named
 * after the service's error type (`ConditionalCheckFailedException`,
 * `ThrottlingException`, …) with the fields of its body, or the HTTP
 * handler's own error (`TimeoutError`, `ECONNREFUSED`, …), after the retries
 * the retry strategy allows.
 */
export class AwsJsonClient {
  private readonly handler: RequestHandler;
  private readonly signer: SignatureV4;
  private readonly retry: StandardRetryStrategy;
  private readonly endpoint: URL;
  private readonly contentType: string;
  private readonly maxAttempts: number;

  constructor(private readonly options: AwsJsonClientOptions) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new AwsClientConfigError('AWS_REGION is not set');
    this.endpoint = options.endpoint ?? serviceEndpoint(options.service, region);
    this.contentType = `application/x-amz-json-${options.jsonVersion}`;
    this.handler = options.requestHandler ?? new NodeHttpHandler({ ...AWS_CLIENT_DEFAULTS.requestHandler });
    this.maxAttempts = options.maxAttempts ?? AWS_CLIENT_DEFAULTS.maxAttempts;
    this.retry = new StandardRetryStrategy(this.maxAttempts);
    this.signer = new SignatureV4({
      credentials: options.credentials ?? fromEnv(),
      region,
      service: options.service,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: true,
      applyChecksum: true,
    });
  }

  /**
   * Calls `operation` with `input` (JSON-serialisable; Uint8Array values are
   * sent as base64) and returns the parsed response body with `$metadata`.
   * `options.abortSignal` cancels the call, its retries included.
   */
  call(operation: string, input: object, options: CallOptions = {}): Promise<AwsJsonOutput> {
    const trace = this.options.trace;
    return trace ? trace(operation, () => this.attempts(operation, input, options)) : this.attempts(operation, input, options);
  }

  private async attempts(operation: string, input: object, options: CallOptions): Promise<AwsJsonOutput> {
    const body = JSON.stringify(input, base64Blobs);
    let token = await this.retry.acquireInitialRetryToken(operation);
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      attempts++;
      try {
        const output = await this.send(operation, body, options, attempts);
        this.retry.recordSuccess(token);
        output.$metadata.attempts = attempts;
        output.$metadata.totalRetryDelay = totalRetryDelay;
        return output;
      } catch (error) {
        // Not `instanceof Error`: Node's own errors fail that test across realms (e.g. under jest).
        if (options.abortSignal?.aborted || typeof error !== 'object' || error === null) throw error;
        const retryable = error as SdkError;
        try {
          // The strategy waits its backoff itself; an abort ends the wait (the SDK's retry middleware races it the same way).
          token = await untilAborted(
            this.retry.refreshRetryTokenForRetry(token, {
              error: retryable,
              errorType: retryErrorType(retryable),
              retryAfterHint: getRetryAfterHint((error as { $response?: unknown }).$response),
            }),
            options.abortSignal,
          );
        } catch (refusal) {
          if (options.abortSignal?.aborted && refusal !== error) throw refusal;
          throw withAttempts(retryable, attempts, totalRetryDelay);
        }
        const delay = token.getRetryDelay();
        totalRetryDelay += ((token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0) + delay;
        if (delay > 0) await untilAborted(new Promise((resolve) => setTimeout(resolve, delay)), options.abortSignal);
      }
    }
  }

  private async send(operation: string, body: string, options: CallOptions, attempt: number): Promise<AwsJsonOutput> {
    const request = new HttpRequest({
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port === '' ? undefined : Number(this.endpoint.port),
      path: this.endpoint.pathname,
      method: 'POST',
      headers: {
        host: this.endpoint.host,
        'content-type': this.contentType,
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': `${this.options.targetPrefix}.${operation}`,
        'amz-sdk-request': `attempt=${attempt}; max=${this.maxAttempts}`,
      },
      body,
    });
    const signed = await this.signer.sign(request);
    const { response } = await this.handler.handle(signed as HttpRequest, options);
    const text = Buffer.from(await streamCollector(response.body)).toString('utf8');
    const $metadata = { httpStatusCode: response.statusCode, requestId: header(response, 'x-amzn-requestid') };
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return { ...(text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)), $metadata };
    }
    throw serviceError(response, text, $metadata);
  }
}

export interface AwsJsonClientOptions {
  /** Signing name and endpoint prefix: `dynamodb`, `kms`. */
  readonly service: string;
  /** The X-Amz-Target prefix: `DynamoDB_20120810`, `TrentService`. */
  readonly targetPrefix: string;
  /** `1.0` (DynamoDB) or `1.1` (KMS). */
  readonly jsonVersion: '1.0' | '1.1';
  /** Default: AWS_REGION. */
  readonly region?: string;
  /** Default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else the service's regional endpoint (endpoints.ts). */
  readonly endpoint?: URL;
  /** Default: the environment's (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, the first included. Default: src/aws-client-defaults.ts. */
  readonly maxAttempts?: number;
  /** Default: a NodeHttpHandler with the timeouts of src/aws-client-defaults.ts. */
  readonly requestHandler?: RequestHandler;
  /** Runs around each call, retries included (X-Ray subsegments when tracing is on: src/observability.ts). */
  readonly trace?: AwsCallTracer;
}

/** Wraps one call of `operation`; must return (or throw) what `call` does. */
export type AwsCallTracer = (operation: string, call: () => Promise<AwsJsonOutput>) => Promise<AwsJsonOutput>;

/** What the client needs of an HTTP handler (NodeHttpHandler's `handle`). */
export interface RequestHandler {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
}

/** A response body with the SDK's `$metadata` (status, request id, attempts, milliseconds spent waiting between them). */
export type AwsJsonOutput = Record<string, unknown> & { $metadata: AwsResponseMetadata };

interface AwsResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/**
 * An error answer of an AWS service: `name` is its error type (the part of
 * `__type` after `#`), `message` its message, and every other field of the
 * body is an own property (e.g. `CancellationReasons`), as the SDK's errors.
 */
class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: AwsResponseMetadata;

  constructor(name: string, message: string, fields: Record<string, unknown>, $metadata: AwsResponseMetadata) {
    super(message);
    // The body's fields, as the SDK copies them: none replaces a property the error already has (stack, cause, …).
    for (const [key, value] of Object.entries(fields)) if (!(key in this)) Object.defineProperty(this, key, { value, enumerable: true, writable: true });
    this.name = name;
    this.$metadata = $metadata;
    this.$fault = ($metadata.httpStatusCode ?? 500) >= 500 ? 'server' : 'client';
  }
}

function serviceError(response: HttpResponse, text: string, $metadata: AwsResponseMetadata): AwsServiceError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (e.g. a proxy's HTML page): named by the status below.
  }
  const { __type, message, Message, ...fields } = body;
  // The SDK's order (awsJson error deserialisation): __type, then a `code` field in any case, then the header.
  const code = Object.entries(body).find(([key]) => key.toLowerCase() === 'code')?.[1];
  const type = (typeof __type === 'string' ? __type : undefined) ?? (typeof code === 'string' ? code : undefined) ?? header(response, 'x-amzn-errortype');
  const name = type === undefined ? `Http${response.statusCode}Error` : errorTypeName(type);
  const error = new AwsServiceError(name, String(message ?? Message ?? name), fields, $metadata);
  // For the retry strategy's Retry-After hint: the status and headers only (never the request, which carries the
  // signature and session token), and not enumerable, so never logged with the error.
  Object.defineProperty(error, '$response', { value: { statusCode: response.statusCode, headers: response.headers }, enumerable: false });
  return error;
}

/** `aws.protocoltests#Foo:http://…` → `Foo` (the SDK's sanitizeErrorCode). */
function errorTypeName(type: string): string {
  const withoutUri = type.split(',')[0].split(':')[0];
  return withoutUri.includes('#') ? withoutUri.split('#')[1] : withoutUri;
}

/** The retry middleware's classification (`@smithy/core/retry`), for the strategy. */
function retryErrorType(error: SdkError): RetryErrorType {
  if (isThrottlingError(error)) return 'THROTTLING';
  if (isTransientError(error)) return 'TRANSIENT';
  if (isServerError(error)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** As the SDK's retry middleware: the error that ends a call says how many attempts it made (a network error gets a `$metadata`). */
function withAttempts(error: object, attempts: number, totalRetryDelay: number): object {
  const carrier = error as { $metadata?: AwsResponseMetadata };
  carrier.$metadata = { ...carrier.$metadata, attempts, totalRetryDelay };
  return error;
}

function header(response: HttpResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** A blob of the protocol (base64 text) as bytes: a view of the decoded Buffer. */
export function base64Bytes(value: string): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** JSON.stringify replacer: blobs (a typed array, Buffer or ArrayBuffer) as base64, as the protocol sends them. */
function base64Blobs(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (ArrayBuffer.isView(original)) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  if (original instanceof ArrayBuffer) return Buffer.from(original).toString('base64');
  return value;
}

/** `promise`, or a rejection with an AbortError as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

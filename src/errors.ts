import type { RefusalCode } from './refusal-codes';

/**
 * Domain errors carry a stable `code` and safe context, never an HTTP status:
 * the code is one of src/refusal-codes.ts, whose entry
 * `src/http/error-responses.ts` answers on the admin API and the token endpoint.
 */
export class DomainError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly context: Record<string, string | number | boolean> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type Dependency = 'dynamodb' | 's3' | 'kms' | 'secrets';

/** A backing service failed or was unreachable: answered 503 + Retry-After. */
export class DependencyError extends Error {
  constructor(
    readonly dependency: Dependency,
    readonly cause: unknown,
  ) {
    super(`${dependency} unavailable`);
    this.name = 'DependencyError';
  }
}

/**
 * Runs one call to a backing service; anything it throws that is not already a
 * domain decision becomes a DependencyError, so outages never surface as 500s
 * or leak SDK internals.
 */
export async function callDependency<T>(dependency: Dependency, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError || error instanceof DependencyError) throw error;
    // The service refused the request itself: retrying cannot help, so it is a bug (500), not an outage (503).
    if (error instanceof Error && error.name === 'ValidationException') throw new InvalidDependencyRequestError(dependency, error);
    throw new DependencyError(dependency, error);
  }
}

/** A backing service rejected a request as malformed (e.g. DynamoDB ValidationException): a defect, answered 500. */
export class InvalidDependencyRequestError extends Error {
  constructor(
    readonly dependency: Dependency,
    readonly cause: unknown,
  ) {
    super(`${dependency} rejected a request as invalid`);
    this.name = 'InvalidDependencyRequestError';
  }
}

import { DependencyError, DomainError } from '../../../src/errors';

/**
 * How a use case call ended, as one comparable string: `resolved`, the
 * refusal code of a DomainError, `dependency:<name>` for a DependencyError
 * (503), or the text of anything else (a defect, 500).
 */
export function outcomeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof DomainError ? error.code : error instanceof DependencyError ? `dependency:${error.dependency}` : String(error)),
  );
}

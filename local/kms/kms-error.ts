/**
 * An error the local KMS answers in the AWS JSON 1.1 error shape. The SDK reads
 * the code from the body's `__type` first, then from `x-amzn-ErrorType`
 * (@smithy/core loadJsonRpcErrorCode); both are sent, as real KMS does.
 */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const notFound = (keyId: string): KmsError => new KmsError('NotFoundException', `Key '${keyId}' does not exist`);

/** What KMS answers for an identifier that is not a key id or key ARN where only those are accepted. */
export const invalidKeyId = (keyId: string): KmsError => new KmsError('NotFoundException', `Invalid keyId '${keyId}'`);

export const validation = (message: string): KmsError => new KmsError('ValidationException', message);

/** Model-constraint failures, worded like KMS: "1 validation error detected: Value ... at 'x' failed to satisfy constraint: ...". */
export function constraintViolations(violations: readonly string[]): KmsError {
  const count = violations.length;
  return validation(`${count} validation error${count === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}

// Key-state errors, with the messages of the "Key states of AWS KMS keys" table (developer guide).
export const disabled = (keyArn: string): KmsError => new KmsError('DisabledException', `${keyArn} is disabled.`);

export const pendingDeletion = (keyArn: string): KmsError => new KmsError('KMSInvalidStateException', `${keyArn} is pending deletion.`);

export const notPendingDeletion = (keyArn: string): KmsError => new KmsError('KMSInvalidStateException', `${keyArn} is not pending deletion.`);

export const tagError = (message: string): KmsError => new KmsError('TagException', message);

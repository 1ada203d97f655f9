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

export const notFound = (keyId: string): KmsError =>
  new KmsError('NotFoundException', `Key '${keyId}' does not exist`);

export const validation = (message: string): KmsError => new KmsError('ValidationException', message);

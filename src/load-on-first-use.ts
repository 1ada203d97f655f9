/**
 * `load` run on the first call and its promise shared by every later one;
 * a failed load is run again by the next call. For the AWS SDK clients a
 * function needs for a few of its requests only (the certificates function's
 * S3 client, functions/certificates/handler.ts; the admin function's KMS
 * client, src/signing-key-composition.ts; the Secrets Manager client of the
 * admin keys, src/admin-key-source.ts): loaded at cold start, they would
 * slow every cold start for the few requests that use them.
 */
export function loadOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

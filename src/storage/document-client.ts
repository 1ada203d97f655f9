import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** Per-call options: an AbortSignal that cancels the request (and its retries). */
export interface CallOptions {
  readonly abortSignal?: AbortSignal;
}

/**
 * The DynamoDB operations the storage adapters use, on native JavaScript
 * values (the document-client shapes of `@aws-sdk/lib-dynamodb`: inputs and
 * outputs are its `<Operation>CommandInput`/`Output` types; only types are
 * imported, nothing of the SDK is loaded).
 *
 * Two implementations: the functions use src/aws-json/dynamodb-document-client.ts
 * (the SDK's signer, HTTP handler, retry strategy and marshalling, without its
 * client runtime: README "Benchmark", `<function>_init_ms`); the SDK's own
 * aggregated `DynamoDBDocument` satisfies this interface as it is, and
 * test/integration/aws-json/ runs the two side by side.
 *
 * Errors are the service's, by `name` (`ConditionalCheckFailedException`,
 * `TransactionCanceledException` with `CancellationReasons`, …), as the SDK
 * throws them.
 */
export interface DocumentClient {
  get(input: GetCommandInput, options?: CallOptions): Promise<GetCommandOutput>;
  put(input: PutCommandInput, options?: CallOptions): Promise<PutCommandOutput>;
  update(input: UpdateCommandInput, options?: CallOptions): Promise<UpdateCommandOutput>;
  delete(input: DeleteCommandInput, options?: CallOptions): Promise<DeleteCommandOutput>;
  query(input: QueryCommandInput, options?: CallOptions): Promise<QueryCommandOutput>;
  scan(input: ScanCommandInput, options?: CallOptions): Promise<ScanCommandOutput>;
  batchGet(input: BatchGetCommandInput, options?: CallOptions): Promise<BatchGetCommandOutput>;
  batchWrite(input: BatchWriteCommandInput, options?: CallOptions): Promise<BatchWriteCommandOutput>;
  transactWrite(input: TransactWriteCommandInput, options?: CallOptions): Promise<TransactWriteCommandOutput>;
}

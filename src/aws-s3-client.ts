import { S3Client } from '@aws-sdk/client-s3';
import { clientDefaults } from './aws-clients';
import { ENV } from './config-names';
import { traced } from './observability';

/** The certificates function's S3 client (path-style for the local store). */
export function s3Client(): S3Client {
  return traced(
    new S3Client({
      ...clientDefaults(),
      forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
}

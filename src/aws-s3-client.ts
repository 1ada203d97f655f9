import { S3Client } from '@aws-sdk/client-s3';
import { clientDefaults } from './aws-client-defaults';
import type { CertificatesFunctionConfig } from './config';
import { traced } from './observability';

/** The certificates function's S3 client (path-style for the local store: S3_FORCE_PATH_STYLE). */
export function s3Client({ s3ForcePathStyle }: Pick<CertificatesFunctionConfig, 's3ForcePathStyle'>): S3Client {
  return traced(
    new S3Client({
      ...clientDefaults(),
      forcePathStyle: s3ForcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
}

import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { callDependency } from '../errors';
import type { CertificateObjectStore } from '../usecases/ports';

export class S3CertificateObjectStore implements CertificateObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  async put(objectKey: string, pem: string): Promise<void> {
    await callDependency('s3', () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucketName,
          Key: objectKey,
          Body: pem,
          ContentType: 'application/x-pem-file',
        }),
      ),
    );
  }

  async delete(objectKey: string): Promise<void> {
    await callDependency('s3', () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucketName, Key: objectKey })));
  }
}

import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureBucket } from '../../../local/emulators/s3-local';
import { createTestBucket, testS3Client } from '../../support/emulators';

/** Every byte value, so an encoding or chunk-framing bug in the client config cannot hide. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, index) => index));

describe('local S3 store started by the global setup', () => {
  let bucket: string;

  beforeAll(async () => {
    bucket = await createTestBucket();
  });

  async function readObject(key: string): Promise<Buffer> {
    const object = await testS3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  it('round-trips put, head, get, list and delete with the exact bytes', async () => {
    const key = 'pools/p-1/anchors/root ca.der';
    await testS3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: ALL_BYTES, ContentType: 'application/pkix-cert' }));

    const head = await testS3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(256);
    expect(head.ContentType).toBe('application/pkix-cert');
    expect(await readObject(key)).toEqual(ALL_BYTES);

    const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'pools/p-1/' }));
    expect(listed.Contents?.map((object) => [object.Key, object.Size])).toEqual([[key, 256]]);

    await testS3Client().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await expect(testS3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: expect.objectContaining({ httpStatusCode: 404 }),
    });
    await expect(readObject(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
    const after = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'pools/p-1/' }));
    expect(after.KeyCount).toBe(0);
  });

  it('stores a streamed body verbatim, without aws-chunked framing', async () => {
    const key = 'streamed.bin';
    await testS3Client().send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Readable.from([ALL_BYTES.subarray(0, 100), ALL_BYTES.subarray(100)]),
        ContentLength: ALL_BYTES.length,
      }),
    );
    expect(await readObject(key)).toEqual(ALL_BYTES);
  });

  it('ensureBucket accepts a bucket that already exists', async () => {
    await expect(ensureBucket(testS3Client(), bucket)).resolves.toBeUndefined();
  });
});

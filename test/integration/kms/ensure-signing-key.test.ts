import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { DEFAULT_SIGNING_KEY_ALIAS, ensureSigningKey } from '../../../local/kms/ensure-signing-key';
import { useKmsDataDir } from './local-kms';

describe('ensureSigningKey', () => {
  const data = useKmsDataDir();

  const { withServer } = data;

  it('creates the key and alias on first start and finds the same key after a restart', async () => {
    const first = await withServer((kms) => ensureSigningKey(kms));
    expect(first).toMatchObject({ keySpec: 'ECC_NIST_P256', created: true });
    expect(first.keyArn).toBe(`arn:aws:kms:us-east-1:000000000000:key/${first.keyId}`);

    const again = await withServer(async (kms) => {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: DEFAULT_SIGNING_KEY_ALIAS }));
      expect(KeyMetadata!.KeyId).toBe(first.keyId);
      return ensureSigningKey(kms);
    });
    expect(again).toEqual({ ...first, created: false });
  });

  it('refuses an alias that points to a key of another spec', async () => {
    await withServer(async (kms) => {
      await ensureSigningKey(kms, { keySpec: 'ECC_NIST_P256' });
      await expect(ensureSigningKey(kms, { keySpec: 'RSA_2048' })).rejects.toThrow(/points to a ECC_NIST_P256\/SIGN_VERIFY key, expected RSA_2048/);
    });
  });

  it('supports another alias and key spec', async () => {
    const key = await withServer((kms) => ensureSigningKey(kms, { alias: 'alias/rsa-signing', keySpec: 'RSA_2048' }));
    expect(key).toMatchObject({ keySpec: 'RSA_2048', created: true });
  });

  it('converges on one key when two processes start at once', async () => {
    const [a, b] = await withServer((kms) => Promise.all([ensureSigningKey(kms), ensureSigningKey(kms)]));
    expect(a.keyId).toBe(b.keyId);
    // Both found no alias and created a key; the loser of CreateAlias adopted the winner's key.
    expect([a.created, b.created].sort()).toEqual([false, true]);
  });
});

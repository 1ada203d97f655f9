import { createPublicKey, verify } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { startKmsServer } from '../../../local/kms/kms-server';
import { localKmsClient, useKmsDataDir } from './local-kms';

describe('persistence across restarts', () => {
  const data = useKmsDataDir();

  it('keeps keys, public keys and aliases; files are private', async () => {
    const first = await startKmsServer({ port: 0, dataDir: data.path });
    const kms1 = localKmsClient(first.url);
    const { KeyMetadata } = await kms1.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'kept' }));
    await kms1.send(new CreateAliasCommand({ AliasName: 'alias/kept', TargetKeyId: KeyMetadata!.KeyId }));
    const publicBefore = (await kms1.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId }))).PublicKey!;
    kms1.destroy();
    await first.close();

    const keyFile = join(data.path, 'kms', `${KeyMetadata!.KeyId}.json`);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(data.path, 'kms', 'aliases.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(data.path, 'kms'))).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(keyFile, 'utf8'))).toMatchObject({
      keyId: KeyMetadata!.KeyId,
      keySpec: 'ECC_NIST_P256',
      privateKeyPem: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
    });

    const second = await startKmsServer({ port: 0, dataDir: data.path });
    const kms2 = localKmsClient(second.url);
    try {
      expect((await kms2.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata).toEqual(KeyMetadata);
      expect((await kms2.send(new DescribeKeyCommand({ KeyId: 'alias/kept' }))).KeyMetadata!.KeyId).toBe(KeyMetadata!.KeyId);
      const publicAfter = (await kms2.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId }))).PublicKey!;
      expect(Buffer.from(publicAfter).equals(Buffer.from(publicBefore))).toBe(true);

      const message = Buffer.from('signed after restart');
      const { Signature } = await kms2.send(new SignCommand({ KeyId: 'alias/kept', SigningAlgorithm: 'ECDSA_SHA_256', Message: message }));
      const publicKey = createPublicKey({ key: Buffer.from(publicBefore), format: 'der', type: 'spki' });
      expect(verify('sha256', message, publicKey, Buffer.from(Signature!))).toBe(true);
    } finally {
      kms2.destroy();
      await second.close();
    }
  });

  it('refuses to start on a corrupt key file instead of dropping the key', async () => {
    const server = await startKmsServer({ port: 0, dataDir: data.path });
    await server.close();
    await writeFile(join(data.path, 'kms', '6f1c3c5e-0000-4000-8000-000000000000.json'), '{"keyId":', { mode: 0o600 });
    await expect(startKmsServer({ port: 0, dataDir: data.path })).rejects.toThrow(/cannot load key file 6f1c3c5e-/);
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(startKmsServer({ dataDir: data.path, host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/loopback/);
  });
});

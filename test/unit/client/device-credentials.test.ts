import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { credentialsFromParts, credentialsFromPem } from '../../../src/client/device-credentials';
import { toKeyObject } from '../../support/device-client';
import { makeIntermediate, makeLeaf, makeRoot } from '../../support/pki';
import { codeOf } from './helpers';

/* Key and chain files as a device holds them, turned into the x5c path and the assertion's sub. */

describe('device credentials', () => {
  let pki: Awaited<ReturnType<typeof makePki>>;
  async function makePki() {
    const root = await makeRoot({ cn: 'Root' });
    const intermediate = await makeIntermediate(root, { cn: 'Intermediate', pathLen: 0 });
    const device = await makeLeaf(intermediate, { cn: 'till-7', o: 'Store 12', keyAlgorithm: 'EC-P256' });
    const other = await makeLeaf(intermediate, { cn: 'till-8', keyAlgorithm: 'EC-P256' });
    const keyPem = (await toKeyObject(device.keys.privateKey)).export({ format: 'pem', type: 'pkcs8' }) as string;
    return { root, intermediate, device, other, keyPem };
  }
  beforeAll(async () => {
    pki = await makePki();
  });

  it('orders a chain file given in any order into device, intermediate; leaves out the root and other certificates', () => {
    const { root, intermediate, device, other, keyPem } = pki;
    const credentials = credentialsFromPem(keyPem, root.pem + other.pem + intermediate.pem + device.pem + device.pem);
    expect(credentials.certificates.map((c) => Buffer.from(c))).toEqual([Buffer.from(device.der), Buffer.from(intermediate.der)]);
    expect(credentials.deviceId).toBe('till-7');
    expect(credentials.certificateThumbprint).toBe(createHash('sha256').update(device.der).digest('base64url'));
  });

  it('reads the recipe layout: device.chain.crt = device, intermediate, root, with "Bag Attributes" text around the blocks', () => {
    const { root, intermediate, device, keyPem } = pki;
    const exported = `Bag Attributes\n    localKeyID: 01 02\nsubject=CN = till-7\n${device.pem}${intermediate.pem}${root.pem}`;
    expect(credentialsFromPem(keyPem, exported).certificates).toHaveLength(2);
  });

  it('reads an encrypted PKCS#8 key with its passphrase, and says key_unreadable without it', () => {
    const { device, intermediate } = pki;
    const encrypted = createPrivateKey(pki.keyPem).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' }) as string;
    expect(credentialsFromPem(encrypted, device.pem + intermediate.pem, 'correct horse').deviceId).toBe('till-7');
    expect(codeOf(() => credentialsFromPem(encrypted, device.pem + intermediate.pem))).toBe('key_unreadable');
    expect(codeOf(() => credentialsFromPem(encrypted, device.pem + intermediate.pem, 'wrong'))).toBe('key_unreadable');
  });

  it('refuses a key that belongs to none of the certificates, a file without certificates, and a device certificate without CN', async () => {
    const { device, intermediate } = pki;
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    expect(codeOf(() => credentialsFromParts(stranger, [device.der, intermediate.der]))).toBe('key_certificate_mismatch');
    expect(codeOf(() => credentialsFromPem(pki.keyPem, 'no PEM here'))).toBe('chain_unreadable');
    expect(codeOf(() => credentialsFromPem('not a key', device.pem))).toBe('key_unreadable');
    expect(codeOf(() => credentialsFromParts(createPrivateKey(pki.keyPem), [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])]))).toBe('chain_unreadable');
    const nameless = await makeLeaf(intermediate, { subject: [['O', 'Store 12']] });
    const namelessKey = await toKeyObject(nameless.keys.privateKey);
    expect(codeOf(() => credentialsFromParts(namelessKey, [nameless.der]))).toBe('device_id_missing');
  });
});

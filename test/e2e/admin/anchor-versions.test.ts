import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { bindDevice, type EnrolledDevice, expectTokenError, issueDevice, requestToken, sha256Hex } from '../../support/device-fleet';
import { malleateEcdsaSignature } from '../../support/ecdsa-malleability';
import { testDocumentClient } from '../../support/emulators';
import { adoptCertificate, makeIntermediate, makeRoot, type TestCertificate } from '../../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { bucketKeys, certificatesPath, storedRoots, uploadFile } from './support';

/*
 * A trust anchor is a name and a key (RFC 5280 §6.1.1 (d)): whichever
 * encoding of it was uploaded — the certificate itself, a renewal with the
 * same key, an ECDSA re-signature with the other valid signature value — the
 * pool holds one anchor, and DELETE by the fingerprint of any version takes
 * it away.
 */
describe('trust anchors by subject and key at upload and delete (docs/contract.md §3.1)', () => {
  let idp: TestIdp;
  let deviceCount = 0;

  const list = async (env: EnvironmentInfo) => {
    const response = await idp.request(certificatesPath(env.clientPoolId));
    expect(response.status).toBe(200);
    return ((await response.json()) as { certificates: Array<Record<string, unknown>> }).certificates;
  };
  const upload = async (env: EnvironmentInfo, certificate: TestCertificate, filename = 'root-ca.crt') => {
    const response = await uploadFile(idp, env.clientPoolId, certificate.pem, filename);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const remove = async (env: EnvironmentInfo, fingerprint: string) =>
    (await idp.request(`${certificatesPath(env.clientPoolId)}/${fingerprint}`, { method: 'DELETE' })).status;
  const poolObjects = async (env: EnvironmentInfo) => (await bucketKeys(idp.bucketName)).filter((key) => key.startsWith(`pools/${env.clientPoolId}/`));
  const boundDevice = async (env: EnvironmentInfo, root: TestCertificate, intermediate: TestCertificate): Promise<EnrolledDevice> => {
    const device = await issueDevice(root, intermediate, { deviceId: `anchor-device-${++deviceCount}` });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);
    return device;
  };

  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(async () => {
    await idp?.stop();
  });

  it('a renewal with the same subject and key updates the one anchor (200) and either fingerprint deletes it', async () => {
    const env = await idp.createEnvironment('anchor-org', 'renewal');
    const original = await makeRoot({ cn: 'Renewed Root CA', o: 'Anchor', notAfter: new Date('2031-01-01T00:00:00Z') });
    const renewal = await makeRoot({ cn: 'Renewed Root CA', o: 'Anchor', keys: original.keys, notAfter: new Date('2045-01-01T00:00:00Z') });
    const [before, after] = [sha256Hex(original.der), sha256Hex(renewal.der)];
    expect(after).not.toBe(before);

    expect(await upload(env, original, 'old.crt')).toMatchObject({ status: 201, body: { fingerprint: before } });
    const renewed = await upload(env, renewal, 'renewed.crt');
    expect(renewed).toEqual({
      status: 200,
      body: {
        success: true,
        message: 'Certificate updated: the pool already trusts this subject and public key, and now holds this certificate for it',
        clientPoolId: env.clientPoolId,
        filename: 'renewed.crt',
        fingerprint: after,
        replacedFingerprint: before,
      },
    });
    const [anchor, ...others] = await list(env);
    expect(others).toEqual([]);
    expect(anchor).toMatchObject({ fingerprint: after, fingerprints: [before, after], filename: 'renewed.crt', notAfter: '2045-01-01T00:00:00.000Z' });
    const records = await storedRoots(idp.tableName, env.clientPoolId);
    expect(records).toHaveLength(1);
    expect(Buffer.from(String(records[0].der), 'base64').equals(Buffer.from(renewal.der))).toBe(true);
    expect(await poolObjects(env)).toEqual([records[0].objectKey]);

    // Devices chain to the anchor either way; the fingerprint the pool no longer holds still names it for DELETE.
    const intermediate = await makeIntermediate(original, { cn: 'Renewed Device CA', o: 'Anchor', basicConstraints: { ca: true, pathLen: 0 } });
    const device = await boundDevice(env, original, intermediate);
    expect((await requestToken(device, env)).status).toBe(200);
    expect(await remove(env, before)).toBe(204);
    expect(await list(env)).toEqual([]);
    expect(await storedRoots(idp.tableName, env.clientPoolId)).toEqual([]);
    expect(await poolObjects(env)).toEqual([]);
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'untrusted_root');
    expect(await remove(env, after)).toBe(404);
  });

  it('an ECDSA root re-encoded with the other valid signature value is the same anchor, not a second undeletable one', async () => {
    const env = await idp.createEnvironment('anchor-org', 'malleated');
    const root = await makeRoot({ cn: 'Malleable Root CA', o: 'Anchor', keyAlgorithm: 'EC-P256' });
    const malleated = adoptCertificate(malleateEcdsaSignature(root.der), root.keys);
    const [first, second] = [sha256Hex(root.der), sha256Hex(malleated.der)];
    expect(second).not.toBe(first);

    expect((await upload(env, root)).status).toBe(201);
    expect(await upload(env, malleated)).toMatchObject({ status: 200, body: { fingerprint: second, replacedFingerprint: first } });
    // The same encoding again: already uploaded, nothing added.
    expect(await upload(env, malleated)).toMatchObject({ status: 200, body: { message: 'Certificate already uploaded', fingerprint: second } });
    expect((await list(env)).map((anchor) => anchor.fingerprints)).toEqual([[first, second]]);

    const intermediate = await makeIntermediate(root, { cn: 'Malleable Device CA', o: 'Anchor', basicConstraints: { ca: true, pathLen: 0 } });
    const device = await boundDevice(env, root, intermediate);
    expect((await requestToken(device, env)).status).toBe(200);
    expect(await remove(env, first)).toBe(204);
    expect(await storedRoots(idp.tableName, env.clientPoolId)).toEqual([]);
    expect(await poolObjects(env)).toEqual([]);
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'untrusted_root');
  });

  it('a record written before anchors were keyed by identity is removed together with the anchor uploaded since', async () => {
    const env = await idp.createEnvironment('anchor-org', 'legacy');
    const root = await makeRoot({ cn: 'Legacy Root CA', o: 'Anchor', keyAlgorithm: 'EC-P256' });
    const reencoded = adoptCertificate(malleateEcdsaSignature(root.der), root.keys);
    const legacyFingerprint = sha256Hex(root.der);
    // As the previous version stored it: keyed by fingerprint, no fingerprints list.
    await testDocumentClient().send(
      new PutCommand({
        TableName: idp.tableName,
        Item: {
          pk: `POOL#${env.clientPoolId}`,
          sk: `ROOT#${legacyFingerprint}`,
          type: 'root',
          fingerprint: legacyFingerprint,
          subject: 'CN=Legacy Root CA, O=Anchor',
          notBefore: '2000-01-01T00:00:00.000Z',
          notAfter: '2099-12-31T23:59:59.000Z',
          filename: 'legacy.crt',
          uploadedAt: '2029-01-01T00:00:00.000Z',
          der: Buffer.from(root.der).toString('base64'),
          objectKey: `pools/${env.clientPoolId}/roots/${legacyFingerprint}.pem`,
        },
      }),
    );
    expect((await upload(env, reencoded)).status).toBe(201);
    expect((await storedRoots(idp.tableName, env.clientPoolId)).map((record) => record.fingerprint).sort()).toEqual(
      [legacyFingerprint, sha256Hex(reencoded.der)].sort(),
    );

    const intermediate = await makeIntermediate(root, { cn: 'Legacy Device CA', o: 'Anchor', basicConstraints: { ca: true, pathLen: 0 } });
    const device = await boundDevice(env, root, intermediate);
    expect((await requestToken(device, env)).status).toBe(200);
    expect(await remove(env, sha256Hex(reencoded.der))).toBe(204);
    expect(await storedRoots(idp.tableName, env.clientPoolId)).toEqual([]);
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'untrusted_root');
  });
});

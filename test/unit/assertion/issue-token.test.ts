import { createHash } from 'node:crypto';
import { DependencyError, DomainError } from '../../../src/errors';
import { IssueToken } from '../../../src/usecases/issue-token';
import { type AssertionSpec, signAssertion } from '../../support/device-client';
import { TEST_NOW, type TestCertificate, makeCertificate, makeIntermediate, makeLeaf, makeRoot } from '../../support/pki';
import { BASE, POOL, World } from './in-memory-ports';

const sha256Hex = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');
const sha256Base64Url = (der: Uint8Array) => createHash('sha256').update(der).digest('base64url');

/*
 * The decision of SPEC §4 with in-memory ports and a frozen clock: what is
 * read, what is written, in which order, and what reaches the signer.
 */

const ISSUER = `${BASE}/pools/${POOL}`;
const TOKEN_ENDPOINT = `${ISSUER}/oauth2/token`;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'issued';
}

describe('IssueToken', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;
  let world: World;

  beforeAll(async () => {
    root = await makeRoot({ cn: 'Acme Root' });
    intermediate = await makeIntermediate(root, { cn: 'Acme Devices', o: 'Acme' });
    device = await makeLeaf(intermediate, { cn: 'device-1', o: 'Stores North' });
  });

  beforeEach(() => {
    world = new World();
    world.trust(root);
    world.bind('device-1', 'client', ['device', 'read']);
  });

  async function assertion(overrides: Partial<AssertionSpec> = {}): Promise<string> {
    const signed = await signAssertion({
      alg: 'ES256',
      privateKey: device.keys.privateKey,
      x5c: [device.der, intermediate.der],
      iss: 'client',
      sub: 'device-1',
      aud: TOKEN_ENDPOINT,
      now: TEST_NOW,
      ...overrides,
    });
    return signed.jwt;
  }

  const T = TEST_NOW.getTime() / 1000;

  it('signs RFC 9068 claims with typ at+jwt and provisions the device last', async () => {
    const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'j-1' } }) });

    expect(result).toEqual({ access_token: 'header.payload.signature', token_type: 'Bearer', expires_in: 3600, scope: 'device read' });
    expect(world.signed).toEqual([
      {
        header: { typ: 'at+jwt' },
        payload: {
          iss: ISSUER,
          sub: 'device-1',
          aud: ISSUER,
          client_id: 'client',
          scope: 'device read',
          iat: T,
          exp: T + 3600,
          jti: expect.any(String),
          org_id: 'acme',
          env_id: 'prod',
          business_unit_id: 'Stores North',
          cnf: { 'x5t#S256': sha256Base64Url(device.der) },
        },
      },
    ]);
    expect(world.provisioned).toEqual([
      {
        poolId: POOL,
        device: { deviceId: 'device-1', orgId: 'acme', envId: 'prod' },
        seen: {
          thumbprint: sha256Hex(device.der),
          serial: Buffer.from(device.certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
          issuer: 'CN=Acme Devices,O=Acme',
          notAfter: '2099-12-31T23:59:59.000Z',
          businessUnit: 'Stores North',
          lastSeen: TEST_NOW.toISOString(),
        },
      },
    ]);
    expect(world.events).toEqual(['listRoots', `getBinding ${POOL} device-1 client`, `consume j-1 ${T + 300 + 60}`, 'sign', 'recordProvisioning', 'confirm j-1']);
  });

  it('uses a configured token audience instead of the issuer', async () => {
    await new IssueToken(world.deps({ tokenAudience: 'https://api.example.com' })).execute(POOL, { assertion: await assertion() });
    expect(world.signed[0].payload.aud).toBe('https://api.example.com');
  });

  it('grants the requested subset of scopes', async () => {
    const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion(), requestedScopes: ['read'] });
    expect(result.scope).toBe('read');
    expect(world.signed[0].payload.scope).toBe('read');
  });

  it('accepts aud = the issuer', async () => {
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ aud: ISSUER }) }))).toBe('issued');
  });

  it('refuses an unknown or malformed pool before reading the assertion (pool_not_found)', async () => {
    const issue = new IssueToken(world.deps());
    expect(await codeOf(issue.execute('pool-other', { assertion: 'garbage' }))).toBe('pool_not_found');
    expect(await codeOf(issue.execute('pool/../x', { assertion: 'garbage' }))).toBe('pool_not_found');
    expect(world.events).toEqual([]);
  });

  describe('refusals consume nothing and sign nothing', () => {
    async function refused(run: () => Promise<unknown>, code: string): Promise<void> {
      expect(await codeOf(run())).toBe(code);
      expect(world.events.filter((e) => !e.startsWith('listRoots') && !e.startsWith('getBinding'))).toEqual([]);
      expect(world.spent.size).toBe(0);
    }

    it('sub ≠ certificate CN: sub_mismatch', async () => {
      world.bind('device-2', 'client', ['device']);
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ sub: 'device-2' }) }), 'sub_mismatch');
    });

    it('a device certificate without CN: sub_mismatch', async () => {
      const nameless = await makeLeaf(intermediate, { subject: [['O', 'Stores North']] });
      const jwt = await assertion({ privateKey: nameless.keys.privateKey, x5c: [nameless.der, intermediate.der] });
      await refused(() => new IssueToken(world.deps()).execute(POOL, { assertion: jwt }), 'sub_mismatch');
    });

    it('no trusted root: untrusted_root', async () => {
      world.roots.length = 0;
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'untrusted_root');
    });

    it('a chain from another root with the same names: untrusted_root', async () => {
      const otherRoot = await makeRoot({ cn: 'Acme Root' });
      const otherIntermediate = await makeIntermediate(otherRoot, { cn: 'Acme Devices', o: 'Acme' });
      const other = await makeLeaf(otherIntermediate, { cn: 'device-1', o: 'Stores North' });
      const jwt = await assertion({ privateKey: other.keys.privateKey, x5c: [other.der, otherIntermediate.der] });
      await refused(() => new IssueToken(world.deps()).execute(POOL, { assertion: jwt }), 'untrusted_root');
    });

    it('an assertion signed by another key: assertion_signature_invalid', async () => {
      const stranger = await makeCertificate('self-signed', { cn: 'x' });
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ privateKey: stranger.keys.privateKey }) }), 'assertion_signature_invalid');
    });

    it('no binding for (device, iss): binding_not_found', async () => {
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ iss: 'other-app' }) }), 'binding_not_found');
      expect(world.events).toContain(`getBinding ${POOL} device-1 other-app`);
    });

    it('a binding without device: device_scope_missing', async () => {
      world.bind('device-1', 'client', ['read']);
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'device_scope_missing');
    });

    it('a requested scope outside the binding: scope_not_granted', async () => {
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion(), requestedScopes: ['device', 'admin'] }), 'scope_not_granted');
    });

    it('a pre-registered device pinned to another business unit: business_unit_mismatch', async () => {
      world.devices.set('device-1', { deviceId: 'device-1', orgId: 'acme', envId: 'prod', preRegistered: true, createdAt: '', tags: { business_unit_id: 'Stores South' } });
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'business_unit_mismatch');
    });

    it('a pre-registered device pinned to a business unit, and a certificate without O: business_unit_mismatch', async () => {
      world.devices.set('device-1', { deviceId: 'device-1', orgId: 'acme', envId: 'prod', preRegistered: true, createdAt: '', tags: { business_unit_id: 'Stores North' } });
      const noOrg = await makeLeaf(intermediate, { subject: [['CN', 'device-1']] });
      const jwt = await assertion({ privateKey: noOrg.keys.privateKey, x5c: [noOrg.der, intermediate.der] });
      await refused(() => new IssueToken(world.deps()).execute(POOL, { assertion: jwt }), 'business_unit_mismatch');
    });
  });

  it('a pre-registered device with the matching tag, or without the tag, is accepted', async () => {
    world.devices.set('device-1', { deviceId: 'device-1', orgId: 'acme', envId: 'prod', preRegistered: true, createdAt: '', tags: { business_unit_id: 'Stores North' } });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('issued');
    world.devices.set('device-1', { deviceId: 'device-1', orgId: 'acme', envId: 'prod', preRegistered: true, createdAt: '', tags: { site: 'x' } });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('issued');
  });

  it('refuses a replayed jti (assertion_replayed) without signing', async () => {
    const jwt = await assertion();
    const issue = new IssueToken(world.deps());
    await issue.execute(POOL, { assertion: jwt });
    expect(await codeOf(issue.execute(POOL, { assertion: jwt }))).toBe('assertion_replayed');
    expect(world.signed).toHaveLength(1);
  });

  it('a signing failure releases the jti and provisions nothing; the same assertion then succeeds', async () => {
    world.signerFailure = new DependencyError('kms', new Error('down'));
    const jwt = await assertion({ claims: { jti: 'retry-me' } });
    const issue = new IssueToken(world.deps());
    await expect(issue.execute(POOL, { assertion: jwt })).rejects.toBeInstanceOf(DependencyError);
    expect(world.events.slice(-2)).toEqual(['sign', 'release retry-me']);
    expect(world.provisioned).toEqual([]);
    expect(world.spent.size).toBe(0);

    world.signerFailure = undefined;
    expect(await codeOf(issue.execute(POOL, { assertion: jwt }))).toBe('issued');
  });

  it('a provisioning failure returns no token and releases the jti, so the device may retry the same assertion', async () => {
    world.provisioningFailure = new DependencyError('dynamodb', new Error('throttled'));
    const jwt = await assertion({ claims: { jti: 'retry-me-too' } });
    const issue = new IssueToken(world.deps());
    await expect(issue.execute(POOL, { assertion: jwt })).rejects.toBeInstanceOf(DependencyError);
    expect(world.events.slice(-2)).toEqual(['recordProvisioning', 'release retry-me-too']);
    expect(world.spent.size).toBe(0);

    world.provisioningFailure = undefined;
    expect(await codeOf(issue.execute(POOL, { assertion: jwt }))).toBe('issued');
  });

  it('a claim that lapsed before confirmation (another attempt took the jti) returns no token (assertion_replayed)', async () => {
    world.claimLapsed = true;
    const jwt = await assertion({ claims: { jti: 'lapsed' } });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }))).toBe('assertion_replayed');
    expect(world.events.slice(-3)).toEqual(['recordProvisioning', 'confirm lapsed', 'release lapsed']);
  });

  it('validates the chain at the injected clock: an expired device certificate is refused (certificate_expired)', async () => {
    const expired = await makeLeaf(intermediate, { cn: 'device-1', o: 'Stores North', notAfter: new Date(TEST_NOW.getTime() - 1000) });
    const jwt = await assertion({ privateKey: expired.keys.privateKey, x5c: [expired.der, intermediate.der] });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }))).toBe('certificate_expired');
  });
});

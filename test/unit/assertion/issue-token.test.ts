import { createHash } from 'node:crypto';
import { DependencyError, DomainError } from '../../../src/errors';
import { IssueToken, type TokenResponse } from '../../../src/usecases/issue-token';
import { type AssertionSpec, signAssertion } from '../../support/device-client';
import { makeCertificate, makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { acmeDeviceChain, BASE, DEADLINE_MS, fingerprintOf, POOL, scopeIdOf, serialOf, World } from './in-memory-ports';

const sha256Base64Url = (der: Uint8Array) => createHash('sha256').update(der).digest('base64url');

/*
 * The decision of docs/contract.md §4 with in-memory ports and a frozen clock: what is
 * read, what is written, in which order, and what reaches the signer; and
 * what happens when the device, its binding or the pool's trust change
 * between the decision's reads, its commit and its answer (the invariants
 * of src/storage/keys.ts).
 */

const ISSUER = `${BASE}/pools/${POOL}`;
const TOKEN_ENDPOINT = `${ISSUER}/oauth2/token`;
const READ = `read ${POOL} device-1 client`;
const isRead = (event: string) => event.startsWith('read ') || event === 'revocationView';

async function errorOf(promise: Promise<unknown>): Promise<DomainError | 'issued'> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return 'issued';
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const outcome = await errorOf(promise);
  return outcome === 'issued' ? outcome : outcome.code;
}

describe('IssueToken', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;
  let world: World;

  beforeAll(async () => {
    ({ root, intermediate, device } = await acmeDeviceChain());
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
  const seenAtTestNow = () => ({
    thumbprint: fingerprintOf(device),
    serial: Buffer.from(device.certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
    issuer: 'CN=Acme Devices,O=Acme',
    notAfter: '2099-12-31T23:59:59.000Z',
    businessUnit: 'Stores North',
    lastSeen: TEST_NOW.toISOString(),
  });

  it('reads once, signs RFC 9068 claims with typ at+jwt, then commits once and answers (a commit within the deadline reads nothing more)', async () => {
    const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'j-1' } }) });

    expect(result).toEqual({ access_token: 'header.payload.signature-1', token_type: 'Bearer', expires_in: 3600, scope: 'device read' });
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
    expect(world.commits).toEqual([
      {
        poolId: POOL,
        commit: {
          deviceId: 'device-1',
          deviceGeneration: 'gen-1',
          deviceRevision: 'drev-1',
          clientAppId: 'client',
          bindingRevision: 'rev-1',
          jti: 'j-1',
          jtiExpiresAt: T + 300 + 60,
          attemptId: expect.any(String),
          provisioning: seenAtTestNow(),
        },
        outcome: { committed: true },
      },
    ]);
    expect(world.spent).toEqual(new Map([[`${POOL}|device-1|j-1`, { expiresAt: T + 360, attemptId: world.commits[0].commit.attemptId }]]));
    expect(world.devices.get('device-1')).toEqual({
      deviceId: 'device-1',
      orgId: 'acme',
      envId: 'prod',
      preRegistered: false,
      status: 'active',
      createdAt: '',
      generation: 'gen-1',
      revision: 'drev-1',
      provisioning: { ...seenAtTestNow(), firstSeen: TEST_NOW.toISOString() },
    });
    expect(world.events).toEqual([READ, 'sign', 'commit j-1']);
  });

  it('asks the revocation view about every certificate of the path but the anchor, device first', async () => {
    await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() });
    expect(world.viewRequests).toEqual([
      {
        poolId: POOL,
        subjects: [
          { scopeId: scopeIdOf(root, intermediate), serialNumberHex: serialOf(device), fingerprint: fingerprintOf(device) },
          { scopeId: scopeIdOf(root, root), serialNumberHex: serialOf(intermediate), fingerprint: fingerprintOf(intermediate) },
        ],
      },
    ]);
  });

  it('gives every commit its own attemptId', async () => {
    const issue = new IssueToken(world.deps());
    await issue.execute(POOL, { assertion: await assertion() });
    await issue.execute(POOL, { assertion: await assertion() });
    const [first, second] = world.commits.map((recorded) => recorded.commit.attemptId);
    expect(first).not.toBe(second);
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

  it('refuses an unknown or malformed pool (pool_not_found): a malformed id before anything is read, an unknown one at the read', async () => {
    const issue = new IssueToken(world.deps());
    expect(await codeOf(issue.execute('pool/../x', { assertion: 'garbage' }))).toBe('pool_not_found');
    expect(world.events).toEqual([]);
    expect(await codeOf(issue.execute('pool-other', { assertion: await assertion() }))).toBe('pool_not_found');
    expect(world.events).toEqual(['read pool-other device-1 client']);
  });

  describe('refusals taken on the reads sign nothing, commit nothing and spend nothing', () => {
    async function refused(run: () => Promise<unknown>, code: string): Promise<DomainError> {
      const outcome = await errorOf(run());
      expect(outcome === 'issued' ? 'issued' : outcome.code).toBe(code);
      expect(world.events.filter((event) => !isRead(event))).toEqual([]);
      expect(world.signed).toEqual([]);
      expect(world.commits).toEqual([]);
      expect(world.spent.size).toBe(0);
      return outcome as DomainError;
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
      await refused(
        async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ privateKey: stranger.keys.privateKey }) }),
        'assertion_signature_invalid',
      );
    });

    it('no binding for (device, iss): binding_not_found', async () => {
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ iss: 'other-app' }) }), 'binding_not_found');
      expect(world.events).toContain(`read ${POOL} device-1 other-app`);
    });

    it('a binding whose device record is gone: binding_not_found, and no device record is created', async () => {
      world.devices.delete('device-1');
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'binding_not_found');
      expect(world.devices.has('device-1')).toBe(false);
    });

    it('a binding of an earlier incarnation of the device (deleted and re-created): binding_not_found', async () => {
      world.deleteDevice('device-1');
      world.createDevice('device-1');
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'binding_not_found');
    });

    it('a disabled device: device_disabled', async () => {
      world.updateDevice('device-1', { status: 'disabled' });
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'device_disabled');
    });

    it('a binding without device: device_scope_missing', async () => {
      world.bind('device-1', 'client', ['read']);
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'device_scope_missing');
    });

    it('a requested scope outside the binding: scope_not_granted', async () => {
      await refused(
        async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion(), requestedScopes: ['device', 'admin'] }),
        'scope_not_granted',
      );
    });

    it('a pre-registered device pinned to another business unit: business_unit_mismatch', async () => {
      world.updateDevice('device-1', { preRegistered: true, tags: { business_unit_id: 'Stores South' } });
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'business_unit_mismatch');
    });

    it('a pre-registered device pinned to a business unit, and a certificate without O: business_unit_mismatch', async () => {
      world.updateDevice('device-1', { preRegistered: true, tags: { business_unit_id: 'Stores North' } });
      const noOrg = await makeLeaf(intermediate, { subject: [['CN', 'device-1']] });
      const jwt = await assertion({ privateKey: noOrg.keys.privateKey, x5c: [noOrg.der, intermediate.der] });
      await refused(() => new IssueToken(world.deps()).execute(POOL, { assertion: jwt }), 'business_unit_mismatch');
    });

    it('the device certificate revoked by the operator: certificate_revoked, on the one read', async () => {
      world.revoke(device);
      const error = await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'certificate_revoked');
      expect(error.message).toMatch(/^certificate 'CN=device-1,O=Stores North' .* is revoked by the operator$/);
      expect(world.events).toEqual([READ]);
    });

    it('the intermediate listed in the root’s CRL: certificate_revoked', async () => {
      world.publishCrl(root, {
        thisUpdate: new Date(TEST_NOW.getTime() - 3_600_000),
        nextUpdate: new Date(TEST_NOW.getTime() + 3_600_000),
        revoked: [{ certificate: intermediate, revocationDate: new Date('2030-01-01T00:00:00Z') }],
      });
      const error = await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'certificate_revoked');
      expect(error.message).toContain(`intermediate #1 'CN=Acme Devices,O=Acme' (serial ${serialOf(intermediate)}) is revoked by the CRL of 'CN=Acme Root'`);
    });

    it('the intermediate revoked by the operator: certificate_revoked', async () => {
      world.revoke(intermediate);
      const error = await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'certificate_revoked');
      expect(error.message).toContain('intermediate #1');
    });

    it('the device issuer’s CRL is past its nextUpdate: crl_expired', async () => {
      world.publishCrl(intermediate, { thisUpdate: new Date(TEST_NOW.getTime() - 7_200_000), nextUpdate: new Date(TEST_NOW.getTime() - 1000) });
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'crl_expired');
    });

    it('a pool that requires CRLs and has none: crl_missing', async () => {
      world.requireCrl = true;
      await refused(async () => new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }), 'crl_missing');
    });
  });

  it('passes the pool’s requireCrl through: with current CRLs of both issuers not listing the path, the token is issued', async () => {
    world.requireCrl = true;
    const current = { thisUpdate: new Date(TEST_NOW.getTime() - 3_600_000), nextUpdate: new Date(TEST_NOW.getTime() + 3_600_000) };
    world.publishCrl(intermediate, current);
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('crl_missing');
    world.publishCrl(root, current);
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('issued');
    world.requireCrl = false;
    world.crls.clear();
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('issued');
  });

  it('a pre-registered device with the matching tag, or without the tag, is accepted', async () => {
    world.updateDevice('device-1', { preRegistered: true, tags: { business_unit_id: 'Stores North' } });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('issued');
    world.updateDevice('device-1', { preRegistered: true, tags: { site: 'x' } });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('issued');
  });

  it('refuses a replayed jti (assertion_replayed): refused on the read, before it costs a signature or a commit', async () => {
    const jwt = await assertion({ claims: { jti: 'once' } });
    const issue = new IssueToken(world.deps());
    const first = await issue.execute(POOL, { assertion: jwt });
    const provisioned = world.devices.get('device-1')?.provisioning;
    const before = world.events.length;

    expect(await codeOf(issue.execute(POOL, { assertion: jwt }))).toBe('assertion_replayed');
    expect(first.access_token).toBe('header.payload.signature-1');
    expect(world.commits.map((recorded) => recorded.outcome)).toEqual([{ committed: true }]);
    expect(world.spent).toEqual(new Map([[`${POOL}|device-1|once`, { expiresAt: T + 360, attemptId: world.commits[0].commit.attemptId }]]));
    expect(world.devices.get('device-1')?.provisioning).toEqual(provisioned);
    expect(world.events.slice(before)).toEqual([READ]);
  });

  it('a signing failure commits nothing: the jti stays unspent, nothing is provisioned, and the same assertion then succeeds', async () => {
    world.signerFailure = new DependencyError('kms', new Error('down'));
    const jwt = await assertion({ claims: { jti: 'retry-me' } });
    const issue = new IssueToken(world.deps());
    await expect(issue.execute(POOL, { assertion: jwt })).rejects.toBeInstanceOf(DependencyError);
    expect(world.events.at(-1)).toBe('sign');
    expect(world.commits).toEqual([]);
    expect(world.isSpent('retry-me')).toBe(false);
    expect(world.devices.get('device-1')?.provisioning).toBeUndefined();

    world.signerFailure = undefined;
    expect(await codeOf(issue.execute(POOL, { assertion: jwt }))).toBe('issued');
    expect(world.isSpent('retry-me')).toBe(true);
  });

  it('a failed commit returns no token and leaves the jti unspent, so the device may retry the same assertion', async () => {
    world.ledgerFailure = new DependencyError('dynamodb', new Error('throttled'));
    const jwt = await assertion({ claims: { jti: 'retry-me-too' } });
    const issue = new IssueToken(world.deps());
    await expect(issue.execute(POOL, { assertion: jwt })).rejects.toBeInstanceOf(DependencyError);
    expect(world.events.slice(-2)).toEqual(['sign', 'commit retry-me-too']);
    expect(world.isSpent('retry-me-too')).toBe(false);
    expect(world.devices.get('device-1')?.provisioning).toBeUndefined();

    world.ledgerFailure = undefined;
    expect(await codeOf(issue.execute(POOL, { assertion: jwt }))).toBe('issued');
  });

  it('a request with a later lastSeen already refreshed the record: the token is issued, the jti spent, lastSeen not moved back', async () => {
    const later = { ...seenAtTestNow(), firstSeen: '2030-01-01T00:00:00.000Z', lastSeen: '2030-06-15T12:00:05.000Z' };
    world.updateDevice('device-1', { provisioning: later });
    const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'late' } }) });
    expect(result.access_token).toBe('header.payload.signature-1');
    expect(world.isSpent('late')).toBe(true);
    expect(world.devices.get('device-1')?.provisioning).toEqual(later);
    expect(world.commits.map((recorded) => recorded.outcome)).toEqual([{ committed: true }]);
  });

  describe('changes between the decision’s reads and its commit', () => {
    it('the device record changed by a PATCH (a business-unit pin): the decision is re-taken on the new record and refused', async () => {
      const jwt = await assertion({ claims: { jti: 'pinned' } });
      world.beforeCommit.push(() => world.updateDevice('device-1', { tags: { business_unit_id: 'Another Unit' } }));
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }))).toBe('business_unit_mismatch');
      expect(world.commits.map(({ outcome }) => outcome)).toEqual([{ committed: false, stale: true }]);
      expect(world.isSpent('pinned')).toBe(false);
    });

    /** The refused commit: the token was signed but never leaves, and nothing was written. */
    async function refusedAtCommit(code: string): Promise<void> {
      const jwt = await assertion({ claims: { jti: 'raced' } });
      const outcome = await errorOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }));
      expect(outcome === 'issued' ? 'issued' : outcome.code).toBe(code);
      expect(world.commits.map((recorded) => recorded.outcome)).toEqual([{ committed: false, refusal: code }]);
      expect(world.isSpent('raced')).toBe(false);
      expect(world.events.at(-1)).toBe('commit raced');
    }

    it('the device disabled: device_disabled, no token, the jti unspent, nothing provisioned', async () => {
      world.beforeCommit.push(() => world.updateDevice('device-1', { status: 'disabled' }));
      await refusedAtCommit('device_disabled');
      expect(world.devices.get('device-1')).toMatchObject({ status: 'disabled', generation: 'gen-1' });
      expect(world.devices.get('device-1')?.provisioning).toBeUndefined();
    });

    it('the binding deleted: binding_not_found', async () => {
      world.beforeCommit.push(() => world.unbind('device-1', 'client'));
      await refusedAtCommit('binding_not_found');
      expect(world.devices.get('device-1')?.provisioning).toBeUndefined();
    });

    it('the device deleted: binding_not_found, and no device record is re-created', async () => {
      world.beforeCommit.push(() => world.deleteDevice('device-1'));
      await refusedAtCommit('binding_not_found');
      expect(world.devices.has('device-1')).toBe(false);
    });

    it('the device deleted and registered again with a binding: binding_not_found, the new incarnation untouched', async () => {
      world.beforeCommit.push(() => {
        world.deleteDevice('device-1');
        world.bind('device-1', 'client', ['device', 'read']);
      });
      await refusedAtCommit('binding_not_found');
      expect(world.commits[0].commit).toMatchObject({ deviceGeneration: 'gen-1', bindingRevision: 'rev-1' });
      expect(world.devices.get('device-1')).toMatchObject({ generation: 'gen-2' });
      expect(world.devices.get('device-1')?.provisioning).toBeUndefined();
    });

    it('the binding replaced: the decision is re-taken on the new binding and its scopes', async () => {
      world.beforeCommit.push(() => world.bind('device-1', 'client', ['device', 'write']));
      const result: TokenResponse = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'rebound' } }) });

      expect(result).toEqual({ access_token: 'header.payload.signature-2', token_type: 'Bearer', expires_in: 3600, scope: 'device write' });
      expect(world.signed.map((signed) => signed.payload.scope)).toEqual(['device read', 'device write']);
      expect(world.commits.map(({ commit, outcome }) => ({ revision: commit.bindingRevision, outcome }))).toEqual([
        { revision: 'rev-1', outcome: { committed: false, stale: true } },
        { revision: 'rev-2', outcome: { committed: true } },
      ]);
      expect(world.spent).toEqual(new Map([[`${POOL}|device-1|rebound`, { expiresAt: T + 360, attemptId: world.commits[1].commit.attemptId }]]));
      const round = [READ, 'sign', 'commit rebound'];
      expect(world.events).toEqual([...round, ...round]);
    });

    it('the binding replaced by one that no longer grants the requested scope: scope_not_granted, the jti unspent', async () => {
      world.beforeCommit.push(() => world.bind('device-1', 'client', ['device']));
      const jwt = await assertion({ claims: { jti: 'narrowed' } });
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt, requestedScopes: ['device', 'read'] }))).toBe('scope_not_granted');
      expect(world.commits).toHaveLength(1);
      expect(world.signed).toHaveLength(1);
      expect(world.isSpent('narrowed')).toBe(false);
    });

    it('the binding replaced before every commit: 503 (DependencyError) after three decisions, no token, the jti unspent', async () => {
      for (let i = 0; i < 4; i++) world.beforeCommit.push(() => world.bind('device-1', 'client', ['device', 'read']));
      const jwt = await assertion({ claims: { jti: 'churn' } });
      const error = await new IssueToken(world.deps()).execute(POOL, { assertion: jwt }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as DependencyError).dependency).toBe('dynamodb');
      expect(world.commits.map((recorded) => recorded.outcome)).toEqual(Array(3).fill({ committed: false, stale: true }));
      expect(world.isSpent('churn')).toBe(false);
    });
  });

  describe('a commit past the deadline, and trust taken away between the read and the answer (trustEpoch moved)', () => {
    beforeEach(() => {
      world.commitDurationMs = DEADLINE_MS + 1;
    });

    it('the device revoked: the decision is re-taken on the new state, certificate_revoked, no token', async () => {
      world.afterCommit.push(() => world.revoke(device));
      const jwt = await assertion({ claims: { jti: 'revoked-late' } });
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }))).toBe('certificate_revoked');
      expect(world.events).toEqual([READ, 'sign', 'commit revoked-late', READ]);
      // The commit stands: the assertion cannot be presented again.
      expect(world.isSpent('revoked-late')).toBe(true);
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }))).toBe('certificate_revoked');
    });

    it('the intermediate listed by a CRL published meanwhile: certificate_revoked', async () => {
      world.afterCommit.push(() =>
        world.publishCrl(root, {
          thisUpdate: TEST_NOW,
          nextUpdate: new Date(TEST_NOW.getTime() + 86_400_000),
          revoked: [{ certificate: intermediate, revocationDate: TEST_NOW }],
        }),
      );
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('certificate_revoked');
    });

    it('the root deleted: untrusted_root', async () => {
      world.afterCommit.push(() => world.distrust(root));
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('untrusted_root');
    });

    it('a change that does not concern this device: the decision is re-checked and the token returned', async () => {
      const other = await makeLeaf(intermediate, { cn: 'device-9', o: 'Stores North' });
      world.afterCommit.push(() => world.revoke(other));
      const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'unaffected' } }) });
      expect(result.access_token).toBe('header.payload.signature-1');
      expect(world.signed).toHaveLength(1);
      expect(world.commits).toHaveLength(1);
      expect(world.events.slice(world.events.indexOf('commit unaffected'))).toEqual(['commit unaffected', READ]);
    });

    it('an epoch that moves at every read changes nothing by itself: one read after the commit, the decision re-taken on it', async () => {
      world.onGetPool = () => world.trustEpoch++;
      const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'unsettled' } }) });
      expect(result.access_token).toBe('header.payload.signature-1');
      expect(world.events).toEqual([READ, 'sign', 'commit unsettled', READ]);
    });

    it('the re-read decides, not the epoch: a revocation the first read missed is refused even if the epoch read with the decision was already the new one', async () => {
      // One BatchGetItem is not a snapshot: its pool item (epoch) may be newer than its revocation items.
      world.afterCommit.push(() => {
        world.revokedFingerprints.add(fingerprintOf(device));
      });
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'torn' } }) }))).toBe('certificate_revoked');
      expect(world.events).toEqual([READ, 'sign', 'commit torn', READ]);
    });

    it('an epoch moved before the decision read it changes nothing: one read after the commit', async () => {
      world.revoke(await makeLeaf(intermediate, { cn: 'device-8' }));
      await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() });
      expect(world.events).toEqual([READ, 'sign', `commit ${world.commits[0].commit.jti}`, READ]);
    });
  });

  describe('a commit within the deadline', () => {
    it('trust taken away after it is not re-checked: the token leaves, because the change answers only after its settle wait (keys.ts)', async () => {
      world.commitDurationMs = DEADLINE_MS;
      world.afterCommit.push(() => world.revoke(device));
      const result = await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'in-time' } }) });
      expect(result.access_token).toBe('header.payload.signature-1');
      expect(world.events).toEqual([READ, 'sign', 'commit in-time']);
    });

    it('one read, one signature, one commit', async () => {
      await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'plain' } }) });
      expect(world.events).toEqual([READ, 'sign', 'commit plain']);
    });
  });

  describe('a path the read did not cover', () => {
    it('is read with revocationView before it is judged: a revoked device is still refused', async () => {
      world.readCoversRevocation = false;
      world.revoke(device);
      expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: await assertion() }))).toBe('certificate_revoked');
      expect(world.events).toEqual([READ, 'revocationView']);
    });

    it('and an unrevoked device gets its token', async () => {
      world.readCoversRevocation = false;
      await new IssueToken(world.deps()).execute(POOL, { assertion: await assertion({ claims: { jti: 'fallback' } }) });
      expect(world.events).toEqual([READ, 'revocationView', 'sign', 'commit fallback']);
    });
  });

  it('validates the chain at the injected clock: an expired device certificate is refused (certificate_expired)', async () => {
    const expired = await makeLeaf(intermediate, { cn: 'device-1', o: 'Stores North', notAfter: new Date(TEST_NOW.getTime() - 1000) });
    const jwt = await assertion({ privateKey: expired.keys.privateKey, x5c: [expired.der, intermediate.der] });
    expect(await codeOf(new IssueToken(world.deps()).execute(POOL, { assertion: jwt }))).toBe('certificate_expired');
  });
});

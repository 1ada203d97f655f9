import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';
import { type GeneralNameSpec, nameConstraints, OIDS, type SubtreeSpec, subjectAltName } from './extension-builders';
import { expectCode, validate } from './helpers';

/*
 * RFC 5280 §4.2.1.10 name constraints, §6.1.3 (b)-(c), §6.1.4 (g): one
 * failing chain per rule and per name form, with the device profile
 * (x5c order) unless a test says otherwise.
 */
describe('name constraints', () => {
  let root: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
  });

  /** root -> constrained intermediate -> leaf. */
  const constrained = (constraints: Parameters<typeof nameConstraints>[0]) =>
    makeIntermediate(root, { cn: 'Constrained CA', extensions: [nameConstraints(constraints)] });
  const leafWith = (issuer: TestCertificate, names: readonly GeneralNameSpec[], spec: Parameters<typeof makeLeaf>[1] = {}) =>
    makeLeaf(issuer, { ...spec, extensions: [...(names.length > 0 ? [subjectAltName(names)] : []), ...(spec.extensions ?? [])] });
  const check = async (ica: TestCertificate, leaf: TestCertificate, code: Parameters<typeof expectCode>[1], detail?: RegExp) =>
    expectCode(validate([leaf, ica], [root]), code, detail);

  describe('directoryName: "this intermediate may only issue for O=Store 42"', () => {
    let ica: TestCertificate;
    beforeAll(async () => {
      ica = await constrained({ permitted: [{ directory: [['O', 'Store 42']] }] });
    });

    it('accepts a device whose subject starts with the permitted RDNs', async () => {
      await check(ica, await makeLeaf(ica, { o: 'Store 42', cn: 'till-7' }), 'valid');
    });

    it('compares RDNs as RFC 5280 §7.1 does: case and white space are not significant', async () => {
      await check(
        ica,
        await makeLeaf(ica, {
          subject: [
            ['O', 'STORE   42'],
            ['CN', 'till-8'],
          ],
        }),
        'valid',
      );
    });

    it('refuses a device of another store: name_not_permitted, naming the subject and the constraining CA', async () => {
      await check(
        ica,
        await makeLeaf(ica, { o: 'Store 7', cn: 'till-1' }),
        'name_not_permitted',
        /subject 'CN=till-1,O=Store 7' is not within the permittedSubtrees of intermediate #1 'CN=Constrained CA'/,
      );
    });

    it('matches whole RDNs, not string prefixes (O=Store 420 is not O=Store 42)', async () => {
      await check(ica, await makeLeaf(ica, { o: 'Store 420' }), 'name_not_permitted');
    });

    it('checks directoryNames in subjectAltName too', async () => {
      const leaf = await leafWith(ica, [{ directory: [['O', 'Store 7']] }], { o: 'Store 42' });
      await check(ica, leaf, 'name_not_permitted', /subjectAltName directoryName/);
    });

    it('refuses a subject inside an excluded subtree: name_excluded', async () => {
      const excluding = await constrained({ excluded: [{ directory: [['O', 'Store 7']] }] });
      await check(excluding, await makeLeaf(excluding, { o: 'Store 7' }), 'name_excluded', /lies within the excludedSubtrees/);
      await check(excluding, await makeLeaf(excluding, { o: 'Store 8' }), 'valid');
    });
  });

  describe('rfc822Name', () => {
    it('a leading period permits every address in a subdomain, not at the domain itself', async () => {
      const ica = await constrained({ permitted: [{ email: '.example.com' }] });
      await check(ica, await leafWith(ica, [{ email: 'ops@mail.example.com' }]), 'valid');
      await check(ica, await leafWith(ica, [{ email: 'ops@example.com' }]), 'name_not_permitted');
    });

    it('a host permits every address on that host only', async () => {
      const ica = await constrained({ permitted: [{ email: 'example.com' }] });
      await check(ica, await leafWith(ica, [{ email: 'ops@EXAMPLE.com' }]), 'valid');
      await check(ica, await leafWith(ica, [{ email: 'ops@mail.example.com' }]), 'name_not_permitted');
    });

    it('a mailbox permits that address only, the local part compared exactly', async () => {
      const ica = await constrained({ permitted: [{ email: 'ops@example.com' }] });
      await check(ica, await leafWith(ica, [{ email: 'ops@Example.COM' }]), 'valid');
      await check(ica, await leafWith(ica, [{ email: 'Ops@example.com' }]), 'name_not_permitted');
    });

    it('applies to the emailAddress attribute of the subject', async () => {
      const ica = await constrained({ permitted: [{ email: '.example.com' }] });
      const leaf = await makeLeaf(ica, {
        subject: [
          ['O', 'Unit'],
          ['CN', 'device-9'],
          [OIDS.emailAddress, 'ops@elsewhere.org'],
        ],
      });
      await check(ica, leaf, 'name_not_permitted', /subject emailAddress 'ops@elsewhere.org'/);
    });

    it('refuses an address without a domain under a constraint: it cannot be compared', async () => {
      const ica = await constrained({ excluded: [{ email: 'evil.example' }] });
      await check(ica, await leafWith(ica, [{ email: 'nobody' }]), 'name_excluded', /cannot be shown to lie outside/);
    });

    it('refuses an excluded address: name_excluded', async () => {
      const ica = await constrained({ excluded: [{ email: '.evil.example' }] });
      await check(ica, await leafWith(ica, [{ email: 'x@mx.evil.example' }]), 'name_excluded');
    });
  });

  describe('dNSName', () => {
    it('permits the domain and names below it, at label boundaries only', async () => {
      const ica = await constrained({ permitted: [{ dns: 'example.com' }] });
      await check(ica, await leafWith(ica, [{ dns: 'example.com' }, { dns: 'a.b.EXAMPLE.com' }]), 'valid');
      await check(ica, await leafWith(ica, [{ dns: 'badexample.com' }]), 'name_not_permitted');
    });

    it('refuses an excluded name, a name below it, and a wildcard that covers it', async () => {
      const ica = await constrained({ excluded: [{ dns: 'internal.example.com' }] });
      await check(ica, await leafWith(ica, [{ dns: 'db.internal.example.com' }]), 'name_excluded');
      await check(ica, await leafWith(ica, [{ dns: '*.example.com' }]), 'name_excluded');
      await check(ica, await leafWith(ica, [{ dns: 'www.example.com' }]), 'valid');
    });

    it('permits a wildcard only when every name it stands for is permitted', async () => {
      const ica = await constrained({ permitted: [{ dns: 'a.example.com' }] });
      await check(ica, await leafWith(ica, [{ dns: '*.example.com' }]), 'name_not_permitted');
      await check(ica, await leafWith(ica, [{ dns: '*.a.example.com' }]), 'valid');
    });

    it('an empty excluded dNSName excludes every DNS name', async () => {
      const ica = await constrained({ excluded: [{ dns: '' }] });
      await check(ica, await leafWith(ica, [{ dns: 'anything.example' }]), 'name_excluded');
    });
  });

  describe('uniformResourceIdentifier', () => {
    let ica: TestCertificate;
    beforeAll(async () => {
      ica = await constrained({ permitted: [{ uri: '.example.com' }] });
    });

    it('compares the host of the URI (userinfo and port aside) with the domain', async () => {
      await check(ica, await leafWith(ica, [{ uri: 'https://user@api.example.com:8443/x?y' }]), 'valid');
      await check(ica, await leafWith(ica, [{ uri: 'https://example.com/' }]), 'name_not_permitted');
    });

    it('refuses a URI without a host name (RFC 5280: MUST be rejected)', async () => {
      await check(ica, await leafWith(ica, [{ uri: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' }]), 'name_not_permitted', /cannot be compared with/);
      await check(ica, await leafWith(ica, [{ uri: 'https://[2001:db8::1]/' }]), 'name_not_permitted');
    });

    it('refuses an excluded host: name_excluded', async () => {
      const excluding = await constrained({ excluded: [{ uri: 'evil.example' }] });
      await check(excluding, await leafWith(excluding, [{ uri: 'https://evil.example/login' }]), 'name_excluded');
      await check(excluding, await leafWith(excluding, [{ uri: 'https://www.evil.example/login' }]), 'valid');
    });
  });

  describe('iPAddress (v4 and v6, with masks)', () => {
    it('permits addresses inside the CIDR range of the same family only', async () => {
      const ica = await constrained({ permitted: [{ ip: [10, 0, 0, 0, 255, 0, 0, 0] }] });
      await check(ica, await leafWith(ica, [{ ip: [10, 1, 2, 3] }]), 'valid');
      await check(ica, await leafWith(ica, [{ ip: [11, 0, 0, 1] }]), 'name_not_permitted', /iPAddress 11\.0\.0\.1/);
      await check(ica, await leafWith(ica, [{ ip: [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1] }]), 'name_not_permitted');
    });

    it('refuses an IPv6 address inside an excluded prefix: name_excluded', async () => {
      const prefix = [0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0)];
      const mask = [0xff, 0xff, 0xff, 0xff, ...Array(12).fill(0)];
      const ica = await constrained({ excluded: [{ ip: [...prefix, ...mask] }] });
      await check(ica, await leafWith(ica, [{ ip: [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1] }]), 'name_excluded');
      await check(ica, await leafWith(ica, [{ ip: [0x20, 0x01, 0x0d, 0xb9, ...Array(11).fill(0), 1] }]), 'valid');
    });
  });

  describe('which certificates are constrained', () => {
    it('leaves the name forms a CA does not constrain free', async () => {
      const ica = await constrained({ permitted: [{ dns: 'example.com' }] });
      await check(ica, await leafWith(ica, [{ email: 'anyone@anywhere.example' }, { ip: [192, 0, 2, 1] }]), 'valid');
    });

    it("applies the trust anchor's own constraints (RFC 5937 §3)", async () => {
      const constrainedRoot = await makeRoot({ cn: 'Constrained Root', extensions: [nameConstraints({ permitted: [{ dns: 'example.com' }] })] });
      const ica = await makeIntermediate(constrainedRoot);
      await expectCode(
        validate([await leafWith(ica, [{ dns: 'other.example' }]), ica], [constrainedRoot]),
        'name_not_permitted',
        /trust anchor 'CN=Constrained Root'/,
      );
    });

    it("does not let a sub-CA widen its issuer's subtrees: every constraining CA above is applied", async () => {
      const outer = await constrained({ permitted: [{ dns: 'example.com' }] });
      const inner = await makeIntermediate(outer, { cn: 'Inner CA', extensions: [nameConstraints({ permitted: [{ dns: 'other.example' }] })] });
      const leaf = await leafWith(inner, [{ dns: 'www.other.example' }]);
      await expectCode(validate([leaf, inner, outer], [root]), 'name_not_permitted', /permittedSubtrees of intermediate #2 'CN=Constrained CA'/);
    });

    it('skips a self-issued intermediate (key rollover), but not a self-issued end entity', async () => {
      const ica = await constrained({ permitted: [{ dns: 'example.com' }] });
      const rollover = await makeIntermediate(ica, { cn: 'Constrained CA', extensions: [subjectAltName([{ dns: 'not-example.com' }])] });
      await expectCode(validate([await leafWith(rollover, [{ dns: 'www.example.com' }]), rollover, ica], [root]), 'valid');
      const selfIssuedLeaf = await makeLeaf(ica, { subject: [['CN', 'Constrained CA']], extensions: [subjectAltName([{ dns: 'not-example.com' }])] });
      await check(ica, selfIssuedLeaf, 'name_not_permitted');
    });

    it("ignores the end entity's own nameConstraints, which constrain nothing below it", async () => {
      const ica = await makeIntermediate(root, { cn: 'Plain CA' });
      await check(ica, await makeLeaf(ica, { extensions: [nameConstraints({ permitted: [{ otherName: '1.2.3.4' }] })] }), 'valid');
    });

    it('applies in pool mode as in x5c order', async () => {
      const ica = await constrained({ permitted: [{ dns: 'example.com' }] });
      await expectCode(validate([await leafWith(ica, [{ dns: 'x.other' }]), ica], [root], {}, 'pool'), 'name_not_permitted');
    });
  });

  describe('a constraint that cannot be evaluated refuses the path: name_constraints_unsupported', () => {
    const unsupported: readonly [string, GeneralNameSpec | SubtreeSpec][] = [
      ['an otherName base', { otherName: '1.3.6.1.5.5.7.8.9' }],
      ['a registeredID base', { registeredId: '1.2.3.4' }],
      ['a minimum other than 0', { base: { dns: 'example.com' }, minimum: 1 }],
      ['a maximum', { base: { dns: 'example.com' }, maximum: 2 }],
      ['a wildcard dNSName', { dns: '*.example.com' }],
      ['a URI that is not a host', { uri: 'https://example.com/' }],
      ['an rfc822Name without a mailbox or host', { email: '@example.com' }],
      ['an iPAddress mask with holes', { ip: [10, 0, 0, 0, 255, 0, 255, 0] }],
      ['an iPAddress without a mask', { ip: [10, 0, 0, 0] }],
    ];
    for (const [what, base] of unsupported) {
      it(`refuses ${what}, in permitted or excluded subtrees alike`, async () => {
        for (const constraints of [{ permitted: [base] }, { excluded: [base] }]) {
          const ica = await constrained(constraints);
          await check(ica, await leafWith(ica, [{ dns: 'www.example.com' }]), 'name_constraints_unsupported', /cannot be evaluated/);
        }
      });
    }
  });
});

import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW } from '../../support/pki';
import { expectCode, validate } from './helpers';

/*
 * RFC 5280 §6.1.1 (d): a trust anchor is a name and a key. A certificate in
 * x5c with the subject and key of a pool root is that root, whatever its own
 * dates, issuer or encoding: the path ends there, at the root as stored.
 */
describe('trust anchors by name and key', () => {
  const day = 86_400_000;
  const before = new Date(TEST_NOW.getTime() - day);

  it('accepts a chain that appends the old, expired copy of a root renewed with the same key', async () => {
    const old = await makeRoot({ cn: 'Acme Root', notBefore: new Date(TEST_NOW.getTime() - 400 * day), notAfter: before });
    const renewed = await makeRoot({ cn: 'Acme Root', keys: old.keys, notBefore: before });
    const intermediate = await makeIntermediate(renewed);
    const device = await makeLeaf(intermediate);
    await expectCode(validate([device, intermediate, old], [renewed]), 'valid');
    // The same expired copy alone as the anchor is still refused: the stored anchor's dates are the anchor's dates.
    await expectCode(validate([device, intermediate], [old]), 'certificate_expired', /^trust anchor /);
  });

  it('ends the path at the pool root when x5c carries a cross-signed copy (same subject and key, another issuer)', async () => {
    const root = await makeRoot({ cn: 'Acme Root' });
    const other = await makeRoot({ cn: 'Other Root' });
    const crossSigned = await makeIntermediate(other, { cn: 'Acme Root', keys: root.keys, basicConstraints: { ca: true } });
    const intermediate = await makeIntermediate(root);
    await expectCode(validate([await makeLeaf(intermediate), intermediate, crossSigned], [root]), 'valid');
  });

  it('does not take a same-named certificate with another key for the anchor', async () => {
    const root = await makeRoot({ cn: 'Acme Root' });
    const impostor = await makeRoot({ cn: 'Acme Root' });
    const intermediate = await makeIntermediate(impostor);
    await expectCode(validate([await makeLeaf(intermediate), intermediate, impostor], [root]), 'untrusted_root');
  });
});

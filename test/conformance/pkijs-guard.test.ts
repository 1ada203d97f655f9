import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW } from '../support/pki';
import { runPkijsEngine } from './support/limbo-pkijs-engine';

/*
 * docs/contract.md §5: pkijs' path building has no loop guard, so two CAs that sign each
 * other never terminate. The conformance run must survive that: the chain
 * gets ERROR after the per-chain timeout and the next chain still runs.
 */
describe('pkijs engine guard', () => {
  it('times out a cross-signing loop without stalling the chains after it', async () => {
    const unrelatedRoot = await makeRoot({ cn: 'Unrelated Root' });
    const stubA = await makeRoot({ cn: 'CA A' });
    const stubB = await makeRoot({ cn: 'CA B' });
    const aByB = await makeIntermediate(stubB, { cn: 'CA A', keys: stubA.keys });
    const bByA = await makeIntermediate(stubA, { cn: 'CA B', keys: stubB.keys });
    const leaf = await makeLeaf(stubA);
    const goodRoot = await makeRoot({ cn: 'Good Root' });
    const goodLeaf = await makeLeaf(goodRoot);

    const started = Date.now();
    const verdicts = await runPkijsEngine(
      [
        { id: 'loop', trustedPems: [unrelatedRoot.pem], certPems: [aByB.pem, bByA.pem, leaf.pem], checkDate: TEST_NOW },
        { id: 'after', trustedPems: [goodRoot.pem], certPems: [goodLeaf.pem], checkDate: TEST_NOW },
      ],
      { timeoutMs: 1_500, budgetMs: 20_000 },
    );

    expect(verdicts.get('loop')).toEqual({ result: 'ERROR', detail: expect.stringMatching(/timed out|worker died/) });
    expect(verdicts.get('after')).toEqual({ result: 'SUCCESS', detail: 'verified' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

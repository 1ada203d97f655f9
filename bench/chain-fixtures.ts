import { type OpensslRecipe, runOpensslRecipe } from '../test/support/pki-openssl';
import { type TestCertificate, makeIntermediate, makeLeaf, makeRoot } from '../test/support/pki';

/**
 * The chains the bench validates. Built fresh on every run (no fixtures on
 * disk, nothing that expires): the SPEC §5 recipe by the OpenSSL CLI, the
 * others with test/support/pki.
 */
export interface BenchChain {
  readonly label: string;
  /** DER, chain[0] the device certificate. */
  readonly chain: Uint8Array[];
  readonly anchors: Uint8Array[];
  readonly intermediates: 'ordered' | 'pool';
  /** Validation time inside every certificate's validity. */
  readonly at: Date;
  /** Policy overrides (the same-name pool needs more than 5 certificates). */
  readonly maxChainLength?: number;
}

/** (a) SPEC §5 verbatim: RSA-4096 root and intermediate, RSA-2048 v1 device certificate. */
export async function opensslRecipeChain(): Promise<{ chain: BenchChain; recipe: OpensslRecipe }> {
  const recipe = await runOpensslRecipe();
  return {
    recipe,
    chain: {
      label: '(a) SPEC §5 openssl recipe (RSA-4096 CAs, RSA-2048 v1 device)',
      chain: [recipe.device, recipe.intermediate],
      anchors: [recipe.root],
      intermediates: 'ordered',
      at: recipe.generatedAt,
    },
  };
}

/** (b) All EC P-256: root, pathlen:0 intermediate, device with digitalSignature + clientAuth. */
export async function ecP256Chain(): Promise<{ chain: BenchChain; root: TestCertificate; intermediate: TestCertificate; device: TestCertificate }> {
  const root = await makeRoot({ cn: 'Bench EC Root', keyAlgorithm: 'EC-P256' });
  const intermediate = await makeIntermediate(root, { cn: 'Bench EC Device CA', pathLen: 0, keyAlgorithm: 'EC-P256' });
  const device = await makeLeaf(intermediate, { cn: 'bench-ec-device', o: 'Bench BU', keyAlgorithm: 'EC-P256' });
  return {
    root,
    intermediate,
    device,
    chain: { label: '(b) all EC P-256 (root, intermediate, device)', chain: [device.der, intermediate.der], anchors: [root.der], intermediates: 'ordered', at: new Date() },
  };
}

/** (c) Two CAs that sign each other (A by B, B by A) under a device of A, none trusted: path building must terminate. */
export async function crossSignedLoop(): Promise<BenchChain> {
  const stubA = await makeRoot({ cn: 'Loop CA A' });
  const stubB = await makeRoot({ cn: 'Loop CA B' });
  const aByB = await makeIntermediate(stubB, { cn: 'Loop CA A', keys: stubA.keys });
  const bByA = await makeIntermediate(stubA, { cn: 'Loop CA B', keys: stubB.keys });
  const device = await makeLeaf(stubA, { cn: 'loop-device' });
  const unrelated = await makeRoot({ cn: 'Unrelated Root' });
  return {
    label: '(c) cross-signed loop A<->B, pool mode, untrusted',
    chain: [device.der, aByB.der, bByA.der],
    anchors: [unrelated.der],
    intermediates: 'pool',
    at: new Date(),
  };
}

/** (c') The worst case the path-building limits allow: 15 same-named CAs (15! orderings), pool mode. */
export async function sameNamePool(): Promise<BenchChain> {
  const stub = await makeRoot({ cn: 'Same Name CA' });
  const pool = await Promise.all(Array.from({ length: 15 }, () => makeIntermediate(stub, { cn: 'Same Name CA' })));
  const device = await makeLeaf(stub, { cn: 'pool-device' });
  const sameNamedAnchor = await makeRoot({ cn: 'Same Name CA' });
  return {
    label: "(c') 15 same-named CAs, pool mode (maxChainLength 16)",
    chain: [device.der, ...pool.map((c) => c.der)],
    anchors: [sameNamedAnchor.der],
    intermediates: 'pool',
    at: new Date(),
    maxChainLength: 16,
  };
}

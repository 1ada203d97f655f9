import { type ChainErrorCode, type ChainValidationResult, devicePolicy, type ValidationPolicy, validateChain } from '../../../src/domain/chain';
import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';

export const DEVICE_POLICY = devicePolicy(TEST_NOW);

type Certificates = readonly (TestCertificate | Uint8Array)[];

const toDer = (certificates: Certificates): Uint8Array[] => certificates.map((c) => (c instanceof Uint8Array ? c : c.der));

/** Validates `chain` (x5c order unless mode is 'pool') against `anchors` with the device policy plus overrides. */
export function validate(
  chain: Certificates,
  anchors: Certificates,
  overrides: Partial<ValidationPolicy> = {},
  intermediates: 'ordered' | 'pool' = 'ordered',
): Promise<ChainValidationResult> {
  return validateChain({ chain: toDer(chain), anchors: toDer(anchors), intermediates }, { ...DEVICE_POLICY, ...overrides });
}

/** `{ code, detail }` with code 'valid' for success, so a failed assertion prints the reason. */
export function outcome(result: ChainValidationResult): { code: ChainErrorCode | 'valid'; detail: string } {
  if (result.valid) return { code: 'valid', detail: result.path.map((c) => c.subjectDn).join(' <- ') };
  return { code: result.code, detail: result.detail };
}

/** Asserts the exact code, and optionally that the detail names the broken rule. */
export async function expectCode(result: Promise<ChainValidationResult>, code: ChainErrorCode | 'valid', detail?: RegExp): Promise<void> {
  const actual = outcome(await result);
  expect(actual).toMatchObject({ code });
  if (detail !== undefined) expect(actual.detail).toMatch(detail);
}

/** Root → intermediate → leaf with the default test profiles (test/support/pki.ts), for suites that vary one certificate at a time. */
export async function makeDefaultChain(): Promise<{ root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate }> {
  const root = await makeRoot();
  const intermediate = await makeIntermediate(root);
  return { root, intermediate, leaf: await makeLeaf(intermediate) };
}

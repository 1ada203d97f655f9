import { assessCrlImport, CrlImportError, type CrlImportErrorCode, type ImportedCrl } from '../../../src/domain/revocation';
import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';
import { CRL_NOW } from './crl-builder';

/** A small hierarchy, made once per test file: root -> intermediate -> device. */
export interface Hierarchy {
  readonly root: TestCertificate;
  readonly intermediate: TestCertificate;
  readonly device: TestCertificate;
}

export async function makeHierarchy(): Promise<Hierarchy> {
  const root = await makeRoot({ cn: 'CRL Test Root' });
  const intermediate = await makeIntermediate(root, { cn: 'CRL Test Intermediate' });
  const device = await makeLeaf(intermediate, { cn: 'device-1' });
  return { root, intermediate, device };
}

export interface ImportOptions {
  readonly anchors?: readonly TestCertificate[];
  readonly issuerChain?: readonly (TestCertificate | Uint8Array)[];
  readonly now?: Date;
}

/** Imports as the admin API would: the pool's roots as anchors, at CRL_NOW unless told otherwise. */
export function importCrl(crl: Uint8Array, hierarchy: Hierarchy, options: ImportOptions = {}): Promise<ImportedCrl> {
  return assessCrlImport({
    crl,
    anchors: (options.anchors ?? [hierarchy.root]).map((c) => c.der),
    issuerChain: options.issuerChain?.map((c) => (c instanceof Uint8Array ? c : c.der)),
    now: options.now ?? CRL_NOW,
  });
}

/** The code of the CrlImportError the promise rejects with, or 'imported'. */
export async function importOutcome(promise: Promise<unknown>): Promise<CrlImportErrorCode | 'imported'> {
  try {
    await promise;
    return 'imported';
  } catch (error) {
    if (error instanceof CrlImportError) return error.code;
    throw error;
  }
}

/** The whole refusal, so a failed assertion shows the message. */
export async function importRefusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
    return { code: 'imported', message: '' };
  } catch (error) {
    if (error instanceof CrlImportError) return { code: error.code, message: error.message };
    throw error;
  }
}

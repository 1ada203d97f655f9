import { decodePemCertificates, validateChain } from '../../../src/domain/chain';
import { type LimboCase, validationTimeOf } from './limbo-case';
import { limboPolicy } from './limbo-policy';
import type { EngineVerdict } from './limbo-verdict';

/**
 * Runs one case through the project's path-validation core, in process, in
 * pool mode: the peer is chain[0] and the untrusted intermediates are an
 * unordered pool (limbo gives no order), the trusted certificates are the
 * anchors.
 */
export async function runCoreEngine(testcase: LimboCase, runStartedAt: Date): Promise<EngineVerdict> {
  const chain = pemsToDer([testcase.peer_certificate, ...testcase.untrusted_intermediates]);
  const anchors = pemsToDer(testcase.trusted_certs);
  if (typeof chain === 'string' || typeof anchors === 'string') {
    return { result: 'ERROR', detail: `harness could not decode the case's PEM: ${typeof chain === 'string' ? chain : anchors}` };
  }
  const policy = limboPolicy(testcase, validationTimeOf(testcase, runStartedAt));
  const result = await validateChain({ chain, anchors, intermediates: 'pool' }, policy);
  return result.valid
    ? { result: 'SUCCESS', detail: `path of ${result.path.length} to '${result.anchor.subjectDn}'` }
    : { result: 'FAILURE', detail: `${result.code}: ${result.detail}` };
}

/** PEM armour is the harness's concern; the DER inside, however malformed, is the core's. */
function pemsToDer(pems: readonly string[]): Uint8Array[] | string {
  const certificates: Uint8Array[] = [];
  for (const pem of pems) {
    const decoded = decodePemCertificates(pem);
    if (!decoded.ok) return decoded.reason;
    certificates.push(...decoded.certificates);
  }
  return certificates;
}

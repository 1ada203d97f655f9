import { type KeyObject, X509Certificate } from 'node:crypto';
import { signAssertion, toKeyObject } from '../test/support/device-client';
import { adoptCertificate, makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../test/support/pki';
import { runOpensslRecipe } from '../test/support/pki-openssl';
import { rsaDeviceKeys } from './device-key-cache';

/**
 * A fleet for the token benchmarks: one root and one intermediate (they
 * repeat, as in a real pool) and `size` devices, each with its own key and
 * its own fresh certificate (so caches keyed by the device certificate do not
 * flatter a figure). Certificates are issued afresh on every run.
 */
export interface FleetDevice {
  /** = subject CN = the assertion's `sub`. */
  readonly deviceId: string;
  readonly certificate: Uint8Array;
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo DER, as the floor imports it per token. */
  readonly spki: Buffer;
  /** TBSCertificate DER and signatureValue, the bytes the issuer's signature covers (RFC 5280 §4.1.1.3). */
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
}

export interface TokenFleet {
  /** Suffix of the figure names: `rsa2048` or `ec_p256`. */
  readonly suffix: string;
  readonly description: string;
  /** The device's assertion algorithm (RFC 7518 §3.1). */
  readonly alg: 'RS256' | 'ES256';
  readonly root: TestCertificate;
  readonly intermediate: TestCertificate;
  /** The intermediate's public key, imported once (intermediates repeat). */
  readonly intermediateKey: KeyObject;
  readonly devices: readonly FleetDevice[];
  readonly cleanup: () => void;
}

/**
 * docs/contract.md §5: the recipe's RSA-4096 root and intermediate made by the OpenSSL
 * CLI, and `size` RSA-2048 v1 device certificates (no extensions, subject as
 * the recipe's) signed by that intermediate with sha256WithRSAEncryption.
 * The device keys may come from earlier runs (bench/device-key-cache.ts).
 */
export async function rsaRecipeFleet(size: number): Promise<TokenFleet> {
  const recipe = await runOpensslRecipe();
  try {
    const root = adoptCertificate(recipe.root, recipe.rootKeys);
    const intermediate = adoptCertificate(recipe.intermediate, recipe.intermediateKeys);
    // The recipe's `-days 365`, from a minute before the CA certificates were made.
    const notBefore = new Date(recipe.generatedAt.getTime() - 61_000);
    const notAfter = new Date(notBefore.getTime() + 365 * 86_400_000);
    const keys = await rsaDeviceKeys(size);
    const devices = await issueDevices(size, (deviceId, index) =>
      makeLeaf(intermediate, {
        v1: true,
        keys: keys[index],
        subject: [
          ['C', 'US'],
          ['ST', 'State'],
          ['L', 'City'],
          ['O', 'Business Unit ID'],
          ['CN', deviceId],
        ],
        notBefore,
        notAfter,
      }),
    );
    return fleet(
      'rsa2048',
      'docs/contract.md §5 recipe: RSA-4096 root and intermediate (openssl), RSA-2048 v1 devices',
      'RS256',
      root,
      intermediate,
      devices,
      recipe.cleanup,
    );
  } catch (error) {
    recipe.cleanup();
    throw error;
  }
}

/** All EC P-256: root, pathlen:0 intermediate, v3 devices with digitalSignature and clientAuth. */
export async function ecP256Fleet(size: number): Promise<TokenFleet> {
  const root = await makeRoot({ cn: 'Bench EC Root', o: 'Bench', keyAlgorithm: 'EC-P256' });
  const intermediate = await makeIntermediate(root, { cn: 'Bench EC Device CA', o: 'Bench', pathLen: 0, keyAlgorithm: 'EC-P256' });
  const devices = await issueDevices(size, (deviceId) => makeLeaf(intermediate, { cn: deviceId, o: 'Bench BU', keyAlgorithm: 'EC-P256' }));
  return fleet('ec_p256', 'EC P-256 root, intermediate and devices (test/support/pki)', 'ES256', root, intermediate, devices, () => undefined);
}

/**
 * One assertion per device (device order), each with a fresh jti, `iat` now
 * and `aud` the pool's token endpoint: one round of a benchmark.
 */
export function signRound(fleet: TokenFleet, audience: string, clientAppId = 'client'): Promise<string[]> {
  return Promise.all(
    fleet.devices.map(async (device) => {
      const signed = await signAssertion({
        alg: fleet.alg,
        privateKey: device.privateKey,
        x5c: [device.certificate, fleet.intermediate.der],
        iss: clientAppId,
        sub: device.deviceId,
        aud: audience,
      });
      return signed.jwt;
    }),
  );
}

async function issueDevices(size: number, issue: (deviceId: string, index: number) => Promise<TestCertificate>): Promise<FleetDevice[]> {
  const ids = Array.from({ length: size }, (_, i) => `bench-device-${String(i + 1).padStart(5, '0')}`);
  // Key generation runs on libuv's thread pool: issue in parallel.
  return Promise.all(
    ids.map(async (deviceId, index) => {
      const issued = await issue(deviceId, index);
      return {
        deviceId,
        certificate: issued.der,
        privateKey: await toKeyObject(issued.keys.privateKey),
        spki: new X509Certificate(issued.der).publicKey.export({ type: 'spki', format: 'der' }),
        tbs: new Uint8Array(issued.certificate.tbsView),
        signature: new Uint8Array(issued.certificate.signatureValue.valueBlock.valueHexView),
      };
    }),
  );
}

function fleet(
  suffix: string,
  description: string,
  alg: TokenFleet['alg'],
  root: TestCertificate,
  intermediate: TestCertificate,
  devices: FleetDevice[],
  cleanup: () => void,
): TokenFleet {
  return { suffix, description, alg, root, intermediate, intermediateKey: new X509Certificate(intermediate.der).publicKey, devices, cleanup };
}

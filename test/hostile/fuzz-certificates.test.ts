import fc from 'fast-check';
import { base64Der } from '../support/device-client';
import { deleteRoot, type EnrolledDevice, sha256Hex } from '../support/device-fleet';
import { makeRoot } from '../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { claimsFor, headerFor, signedBy } from './support/attack-kit';
import { derMutation, mutateDer, sameBytes } from './support/der-mutations';
import { startFuzzFleet } from './support/fuzz-fleet';
import {
  CHAIN_REFUSAL_CODES,
  expectRootStoredOnce,
  expectTokenRefusal,
  expectUploadRefused,
  OutcomeTally,
  type StoredState,
  storedState,
} from './support/fuzz-harness';
import { fuzzParameters, fuzzTimeout } from './support/fuzz-settings';
import { mutatePem, pemMutation } from './support/pem-mutations';
import { send } from './support/refusal-table';
import { failOnUnhandledRejections } from './support/rejection-watch';

/*
 * Property-based fuzzing of the certificates the IDP parses (docs/contract.md §3.1,
 * §4.3, §6 "bad input never crashes a function and never leaves partial
 * state"): (1) DER damage to the device or intermediate certificate in x5c,
 * signed correctly by the device key so only the chain can refuse it;
 * (2) PEM framing damage to a root CA upload. Never a 5xx, never a token,
 * never an unhandled rejection, never a stored record for a refused input.
 */
describe('fuzz: certificates', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let uploadEnv: EnvironmentInfo;
  let devices: EnrolledDevice[];
  let baseline: StoredState;

  failOnUnhandledRejections();
  beforeAll(async () => {
    idp = await startTestIdp();
    const fleet = await startFuzzFleet(idp, 'Fuzz', 'fuzz');
    ({ env, baseline } = fleet);
    devices = [fleet.bound, fleet.ghost];
    uploadEnv = await idp.createEnvironment();
  });
  afterAll(() => idp?.stop());

  const x5cRuns = 100;
  it(
    'x5c: DER damage to the device or intermediate certificate → a chain refusal, nothing stored',
    async () => {
      const tally = new OutcomeTally();
      const property = fc.asyncProperty(
        fc.nat({ max: 1 }),
        fc.nat({ max: 1 }),
        fc.array(derMutation, { minLength: 1, maxLength: 3 }),
        async (who, target, mutations) => {
          const device = devices[who];
          const chain = [device.device.der, device.intermediate.der];
          const mutated = mutations.reduce((der, mutation) => mutateDer(der, mutation), chain[target]);
          fc.pre(!sameBytes(mutated, chain[target]));
          chain[target] = mutated;

          const header = headerFor(device, { x5c: chain.map((der) => base64Der(der)) });
          const result = await send(env, await signedBy(device, header, claimsFor(device, env)));

          tally.add(expectTokenRefusal(result, CHAIN_REFUSAL_CODES));
          expect(await storedState(idp, env.clientPoolId)).toEqual(baseline);
        },
      );
      await fc.assert(property, fuzzParameters(x5cRuns));
      tally.print('x5c DER');
    },
    fuzzTimeout(x5cRuns),
  );

  const pemRuns = 80;
  it(
    'root upload: PEM framing damage → a 4xx naming the rule, or the original root accepted; nothing else stored',
    async () => {
      const root = await makeRoot({ cn: 'Fuzz Upload Root', o: 'Fuzz' });
      const fingerprint = sha256Hex(root.der);
      const empty = await storedState(idp, uploadEnv.clientPoolId);
      expect(empty.pool.filter((item) => item.sk.startsWith('ROOT#'))).toEqual([]);

      const tally = new OutcomeTally();
      const property = fc.asyncProperty(fc.array(pemMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const file = mutatePem(root.pem, root.der, mutations);
        fc.pre(!file.equals(Buffer.from(root.pem)));
        const form = new FormData();
        form.append('certificate', new Blob([new Uint8Array(file)], { type: 'application/x-pem-file' }), 'root-ca.crt');
        const response = await idp.request(`/api/internal/${uploadEnv.clientPoolId}/certificates`, { method: 'POST', body: form });
        const body = (await response.json()) as Record<string, unknown>;
        const after = await storedState(idp, uploadEnv.clientPoolId);
        tally.add(`${response.status} ${String(body.error ?? 'accepted')}`);

        if (response.status === 200 || response.status === 201) {
          // Benign framing (CRLF, unwrapped base64…): only the very same certificate may be stored, once, object and record.
          expect({ status: response.status, fingerprint: body.fingerprint }).toEqual({ status: 201, fingerprint });
          expectRootStoredOnce(after, fingerprint);
          expect(after.objects[0]).toMatch(new RegExp(`^pools/${uploadEnv.clientPoolId}/roots/${fingerprint}/[0-9a-f-]{36}\\.pem$`));
          await deleteRoot(idp, uploadEnv.clientPoolId, fingerprint);
        } else {
          expectUploadRefused({ status: response.status, body }, [400, 413], after, empty);
        }
      });
      await fc.assert(property, fuzzParameters(pemRuns));
      tally.print('root PEM upload');
      expect(await storedState(idp, uploadEnv.clientPoolId)).toEqual(empty);
    },
    fuzzTimeout(pemRuns),
  );
});

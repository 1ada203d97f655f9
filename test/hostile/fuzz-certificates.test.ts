import fc from 'fast-check';
import { base64Der } from '../support/device-client';
import { bindDevice, deleteRoot, type EnrolledDevice, issueDevice, makeOrganisationPki, sha256Hex, uploadRoot } from '../support/device-fleet';
import { makeRoot } from '../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { claimsFor, headerFor, signedBy } from './support/attack-kit';
import { derMutation, mutateDer, sameBytes } from './support/der-mutations';
import { CHAIN_REFUSAL_CODES, expectTokenRefusal, OutcomeTally, type StoredState, storedState } from './support/fuzz-harness';
import { fuzzParameters, fuzzTimeout } from './support/fuzz-settings';
import { mutatePem, pemMutation } from './support/pem-mutations';
import { send } from './support/refusal-table';
import { type RejectionWatch, watchUnhandledRejections } from './support/rejection-watch';

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
  let rejections: RejectionWatch;

  beforeAll(async () => {
    rejections = watchUnhandledRejections();
    idp = await startTestIdp();
    [env, uploadEnv] = [await idp.createEnvironment(), await idp.createEnvironment()];
    const pki = await makeOrganisationPki('Fuzz');
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    // One device bound and provisioned (a wrongly accepted chain would refresh its record and burn a jti),
    // one never bound (no record may ever appear for it).
    const bound = await issueDevice(pki.root, pki.intermediate, { deviceId: 'fuzz-device' });
    const ghost = await issueDevice(pki.root, pki.intermediate, { deviceId: 'fuzz-ghost' });
    await bindDevice(idp, env, bound.deviceId, 'client', ['device']);
    const control = await send(env, await signedBy(bound, headerFor(bound), claimsFor(bound, env)));
    expect(control.status).toBe(200); // the unmodified input is accepted: the fixture can fail
    devices = [bound, ghost];
    baseline = await storedState(idp, env.clientPoolId);
  });
  afterAll(async () => {
    rejections?.stop();
    await idp?.stop();
  });
  afterEach(() => expect(rejections.rejections).toEqual([]));

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
          expect(after.pool.filter((item) => item.sk.startsWith('ROOT#')).map((item) => item.fingerprint)).toEqual([fingerprint]);
          expect(after.objects).toEqual([after.pool.find((item) => item.sk.startsWith('ROOT#') && item.fingerprint === fingerprint)?.objectKey]);
          expect(after.objects[0]).toMatch(new RegExp(`^pools/${uploadEnv.clientPoolId}/roots/${fingerprint}/[0-9a-f-]{36}\\.pem$`));
          await deleteRoot(idp, uploadEnv.clientPoolId, fingerprint);
        } else {
          expect({ status: [400, 413].includes(response.status), error: typeof body.error, message: typeof body.message }).toEqual({
            status: true,
            error: 'string',
            message: 'string',
          });
          expect(after).toEqual(empty);
        }
      });
      await fc.assert(property, fuzzParameters(pemRuns));
      tally.print('root PEM upload');
      expect(await storedState(idp, uploadEnv.clientPoolId)).toEqual(empty);
    },
    fuzzTimeout(pemRuns),
  );
});

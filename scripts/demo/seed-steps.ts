import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initCa, issueDevice } from '../../src/client';
import { type AdminApi, describeAnswer } from './admin-api';
import { type DemoOutput, expectResult } from './demo-output';

/** The demo's two devices: the first gets a token, the second is revoked. */
export interface DemoDevice {
  /** The subject CN: the device id of the admin API and the token's `sub`. */
  id: string;
  /** The subject O: the token's `business_unit_id`. */
  businessUnit: string;
}

export const CLIENT_APP_ID = 'client';
export const ORGANIZATION = { id: 'acme', name: 'Acme Retail' } as const;
const ENVIRONMENT = { id: 'prod', name: 'Production' } as const;

/** What POST /api/internal/org/{orgId}/env answers (README "Admin API"). */
export interface EnvironmentInfo {
  orgId: string;
  envId: string;
  clientPoolId: string;
  /** `{base}/pools/{clientPoolId}`: the tokens' `iss` and default `aud`. */
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
}

export interface SeedContext {
  out: DemoOutput;
  /** The demo's temporary folder: `ca/`, one folder per device, the IDP's data. */
  work: string;
  admin: AdminApi;
}

/** `C=DE, O=Acme Retail, CN=…` from node's one-attribute-per-line form. */
const oneLine = (name: string): string => name.split('\n').join(', ');

function describeCertificate(path: string): X509Certificate {
  return new X509Certificate(readFileSync(path));
}

/** Step 1: `device-idp ca init` and `ca issue` through the library (src/client/ca), as the CLI runs them. Returns the root's SHA-256 fingerprint. */
export function createPki({ out, work }: SeedContext, devices: readonly DemoDevice[]): string {
  out.line(`device-idp ca init --out ca --organization "${ORGANIZATION.name}" --country DE`);
  const ca = initCa({ outDir: join(work, 'ca'), organization: ORGANIZATION.name, country: 'DE' });
  const root = describeCertificate(join(work, 'ca', 'root-ca.crt'));
  const intermediate = describeCertificate(join(work, 'ca', 'intermediate-ca.crt'));
  out.line(`ca/root-ca.crt          ${oneLine(root.subject)}, RSA ${root.publicKey.asymmetricKeyDetails?.modulusLength}, until ${root.validTo}`, 2);
  out.line(`ca/intermediate-ca.crt  ${oneLine(intermediate.subject)}, pathlen:0, issued by the root`, 2);
  out.line(`root fingerprint (SHA-256) ${ca.rootFingerprint}`, 2);
  expectResult(root.ca && intermediate.ca && intermediate.checkIssued(root), 'ca init did not write a root and an intermediate it issued');

  for (const device of devices) {
    out.line(`device-idp ca issue --ca ca --device-id ${device.id} --business-unit "${device.businessUnit}" --out ${device.id}`);
    issueDevice({ caDir: join(work, 'ca'), deviceId: device.id, businessUnit: device.businessUnit, outDir: join(work, device.id) });
    const certificate = describeCertificate(join(work, device.id, 'device.crt'));
    out.line(`${device.id}/device.crt  ${oneLine(certificate.subject)}, serial ${certificate.serialNumber.toLowerCase()}, until ${certificate.validTo}`, 2);
    out.line(`${device.id}/device.key (0600), device.chain.crt (device, intermediate, root), device.p12 (+ device.p12.passphrase)`, 2);
    expectResult(certificate.subject.split('\n').includes(`CN=${device.id}`), `the certificate of ${device.id} does not carry CN=${device.id}`);
    expectResult(certificate.checkIssued(intermediate), `the certificate of ${device.id} was not issued by the intermediate`);
  }
  return ca.rootFingerprint;
}

/** Step 2: an organisation and its environment, whose answer names the pool and its token endpoint. */
export async function createEnvironment({ out, admin }: SeedContext): Promise<EnvironmentInfo> {
  const org = await admin.postJson('/api/internal/org', ORGANIZATION);
  out.line(`${describeAnswer('POST', '/api/internal/org', org)}  ${JSON.stringify(ORGANIZATION)}`);
  expectResult(org.status === 201, `creating the organisation answered ${org.status}, not 201`);

  const path = `/api/internal/org/${ORGANIZATION.id}/env`;
  const created = await admin.postJson(path, ENVIRONMENT);
  out.line(`${describeAnswer('POST', path, created)}  ${JSON.stringify(ENVIRONMENT)}`);
  expectResult(created.status === 201, `creating the environment answered ${created.status}, not 201`);
  const env = created.body as unknown as EnvironmentInfo;
  for (const field of ['clientPoolId', 'issuer', 'tokenEndpoint', 'jwksUri'] as const) {
    expectResult(typeof env[field] === 'string' && env[field] !== '', `the environment's answer lacks ${field}`);
    out.line(`${field.padEnd(14)} ${env[field]}`, 2);
  }
  return env;
}

/** Step 3: the pool trusts the root; the certificates API reports the fingerprint `ca init` computed. */
export async function uploadRoot({ out, work, admin }: SeedContext, env: EnvironmentInfo, rootFingerprint: string): Promise<void> {
  const path = `/api/internal/${env.clientPoolId}/certificates`;
  const answer = await admin.postFile(path, 'certificate', 'root-ca.crt', readFileSync(join(work, 'ca', 'root-ca.crt'), 'utf8'));
  out.line(`${describeAnswer('POST', path, answer)}  (multipart, certificate=@ca/root-ca.crt)`);
  expectResult(answer.status === 201, `the root upload answered ${answer.status}, not 201`);
  out.line(`${String(answer.body.message)}, fingerprint ${String(answer.body.fingerprint)}`, 2);
  expectResult(
    answer.body.fingerprint === rootFingerprint,
    `the pool stored fingerprint ${String(answer.body.fingerprint)}, not the root's ${rootFingerprint}`,
  );
}

/** Step 4: each device is bound to the client app with the `device` scope (which also creates its device record). */
export async function registerDevices({ out, admin }: SeedContext, env: EnvironmentInfo, devices: readonly DemoDevice[]): Promise<void> {
  const binding = { clientAppId: CLIENT_APP_ID, scopes: ['device'] };
  for (const device of devices) {
    const path = `/api/internal/org/${env.orgId}/env/${env.envId}/device/${device.id}/app`;
    const answer = await admin.postJson(path, binding);
    out.line(`${describeAnswer('POST', path, answer)}  ${JSON.stringify(binding)}`);
    expectResult(answer.status === 201, `binding ${device.id} answered ${answer.status}, not 201`);
  }
}

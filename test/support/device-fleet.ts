import { createHash } from 'node:crypto';
import { type AssertionSpec, type DeviceAlg, signAssertion, type TokenRequestForm, tokenRequestBody } from './device-client';
import { type KeyAlgorithm, makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from './pki';
import type { EnvironmentInfo, TestIdp } from './test-idp';

/**
 * The platform team's side of the token flow against a running test IDP:
 * upload a root, bind a device, read the device back, and call the token
 * endpoint the way a device does. Every helper asserts the status it expects,
 * so a failing setup step names itself.
 */

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<HttpAnswer<T>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

function expectAnswerStatus(result: HttpAnswer, expected: number[], what: string): HttpAnswer {
  if (!expected.includes(result.status)) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  return result;
}

async function expectStatus(response: Response, expected: number[], what: string): Promise<HttpAnswer> {
  return expectAnswerStatus(await answer<Record<string, unknown>>(response), expected, what);
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function sha256Base64Url(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

/** docs/contract.md §3.1: multipart upload with a `certificate` file part, as `curl -F certificate=@root-ca.crt` sends it; the answer as it came. */
export async function postRoot(idp: TestIdp, clientPoolId: string, pem: string, filename = 'root-ca.crt'): Promise<HttpAnswer> {
  const form = new FormData();
  form.append('certificate', new Blob([pem], { type: 'application/x-pem-file' }), filename);
  return answer(await idp.request(`/api/internal/${clientPoolId}/certificates`, { method: 'POST', body: form }));
}

/** `postRoot`, expecting 201 (stored) or 200 (already stored). */
export async function uploadRoot(idp: TestIdp, clientPoolId: string, pem: string, filename = 'root-ca.crt'): Promise<HttpAnswer> {
  return expectAnswerStatus(await postRoot(idp, clientPoolId, pem, filename), [200, 201], 'root upload');
}

export async function deleteRoot(idp: TestIdp, clientPoolId: string, fingerprint: string): Promise<void> {
  await expectStatus(await idp.request(`/api/internal/${clientPoolId}/certificates/${fingerprint}`, { method: 'DELETE' }), [200, 204], 'root delete');
}

function devicePath(env: EnvironmentInfo, deviceId?: string): string {
  const base = `/api/internal/org/${env.orgId}/env/${env.envId}/device`;
  return deviceId === undefined ? base : `${base}/${encodeURIComponent(deviceId)}`;
}

/** docs/contract.md §3.2 */
export async function bindDevice(idp: TestIdp, env: EnvironmentInfo, deviceId: string, clientAppId: string, scopes: string[]): Promise<void> {
  await expectStatus(await idp.request(`${devicePath(env, deviceId)}/app`, { method: 'POST', json: { clientAppId, scopes } }), [200, 201], 'binding');
}

export async function unbindDevice(idp: TestIdp, env: EnvironmentInfo, deviceId: string, clientAppId: string): Promise<void> {
  await expectStatus(await idp.request(`${devicePath(env, deviceId)}/app/${clientAppId}`, { method: 'DELETE' }), [200, 204], 'unbinding');
}

export async function preRegisterDevice(idp: TestIdp, env: EnvironmentInfo, device: { id: string; tags?: Record<string, string> }): Promise<void> {
  await expectStatus(await idp.request(devicePath(env), { method: 'POST', json: device }), [201], 'pre-registration');
}

export interface DeviceView {
  deviceId: string;
  preRegistered: boolean;
  provisioning?: { thumbprint: string; serial: string; issuer: string; notAfter: string; businessUnit?: string; firstSeen: string; lastSeen: string };
}

/** The device record, or undefined on 404. */
export async function getDevice(idp: TestIdp, env: EnvironmentInfo, deviceId: string): Promise<DeviceView | undefined> {
  const result = await expectStatus(await idp.request(devicePath(env, deviceId)), [200, 404], 'device read');
  return result.status === 404 ? undefined : (result.body as unknown as DeviceView);
}

export interface TokenAnswer {
  access_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

/** POST to the token endpoint; `body` is sent as-is with the given content type (form-encoded by default). */
export async function postToken(
  tokenEndpoint: string,
  body: URLSearchParams | string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<HttpAnswer<TokenAnswer>> {
  return answer<TokenAnswer>(await fetch(tokenEndpoint, { method: 'POST', headers: { 'Content-Type': contentType }, body: body.toString() }));
}

/** The RFC 6749 §5.2 refusal shape with the domain code as error_description prefix. */
export function expectTokenError(result: HttpAnswer<TokenAnswer>, status: number, error: string, code?: string): void {
  expect({ status: result.status, error: result.body?.error, access_token: result.body?.access_token }).toEqual({ status, error, access_token: undefined });
  if (code !== undefined) expect(result.body.error_description).toMatch(new RegExp(`^${code}: `));
  expect(result.headers.get('cache-control')).toBe('no-store');
}

/** A device enrolled in a pool: root uploaded, intermediate and device certificates issued under it. */
export interface EnrolledDevice {
  deviceId: string;
  businessUnit: string;
  root: TestCertificate;
  intermediate: TestCertificate;
  device: TestCertificate;
  alg: DeviceAlg;
}

export interface DeviceSpec {
  deviceId: string;
  businessUnit?: string;
  keyAlgorithm?: KeyAlgorithm;
  alg?: DeviceAlg;
}

const DEFAULT_ALG: Partial<Record<KeyAlgorithm, DeviceAlg>> = { 'EC-P256': 'ES256', 'EC-P384': 'ES384', 'EC-P521': 'ES512' };

/** Issues a device certificate under `intermediate`; default an EC P-256 key signing ES256. */
export async function issueDevice(root: TestCertificate, intermediate: TestCertificate, spec: DeviceSpec): Promise<EnrolledDevice> {
  const keyAlgorithm = spec.keyAlgorithm ?? 'EC-P256';
  const businessUnit = spec.businessUnit ?? 'Business Unit 1';
  const device = await makeLeaf(intermediate, { cn: spec.deviceId, o: businessUnit, keyAlgorithm });
  return { deviceId: spec.deviceId, businessUnit, root, intermediate, device, alg: spec.alg ?? DEFAULT_ALG[keyAlgorithm] ?? 'RS256' };
}

/** A fresh organisation PKI (EC P-256 root and intermediate). */
export async function makeOrganisationPki(name = 'Acme'): Promise<{ root: TestCertificate; intermediate: TestCertificate }> {
  const root = await makeRoot({ cn: `${name} Root CA`, o: name });
  const intermediate = await makeIntermediate(root, { cn: `${name} Device CA`, o: name, basicConstraints: { ca: true, pathLen: 0 } });
  return { root, intermediate };
}

/** An assertion from `device` for `env`; x5c = [device, intermediate] unless overridden. */
export function deviceAssertion(
  device: EnrolledDevice,
  env: EnvironmentInfo,
  overrides: Partial<AssertionSpec> & { clientAppId?: string } = {},
): Promise<{ jwt: string; claims: Record<string, unknown> }> {
  const { clientAppId, ...rest } = overrides;
  return signAssertion({
    alg: device.alg,
    privateKey: device.device.keys.privateKey,
    x5c: [device.device.der, device.intermediate.der],
    iss: clientAppId ?? 'client',
    sub: device.deviceId,
    aud: env.tokenEndpoint,
    ...rest,
  });
}

/** Signs a fresh assertion and posts it; the common case of most tests. */
export async function requestToken(
  device: EnrolledDevice,
  env: EnvironmentInfo,
  options: Partial<AssertionSpec> & { clientAppId?: string; form?: TokenRequestForm; scope?: string } = {},
): Promise<HttpAnswer<TokenAnswer>> {
  const { form, scope, ...assertion } = options;
  const { jwt } = await deviceAssertion(device, env, assertion);
  return postToken(env.tokenEndpoint, tokenRequestBody(jwt, { form, scope }));
}

/**
 * The device client as a library (docs/device-client.md):
 *
 *   const credentials = loadCredentials({ kind: 'pkcs12', p12: 'device.p12' }, process.env.DEVICE_IDP_PASSPHRASE);
 *   const token = await getDeviceToken({ tokenEndpoint, clientId: 'client', credentials, cache: new FileTokenCache(dir) });
 *   // token.accessToken; refusals throw TokenEndpointError (describeTokenError words them)
 *
 * and the CA tooling behind `device-idp ca init` / `ca issue` (initCa, issueDevice).
 */
export { type AssertionOptions, type BuiltAssertion, buildAssertion, DEFAULT_ASSERTION_LIFETIME_SECONDS } from './assertion';
export { type CaInitOptions, type CaInitResult, initCa } from './ca/ca-init';
export { type CaIssueOptions, type CaIssueResult, issueDevice } from './ca/ca-issue';
export { type CredentialFiles, loadCredentials, PASSPHRASE_ENV, resolvePassphrase } from './credential-files';
export { credentialsFromParts, credentialsFromPem, type DeviceCredentials } from './device-credentials';
export { type DeviceToken, type DeviceTokenDependencies, type DeviceTokenRequest, getDeviceToken } from './device-token-client';
export { CLIENT_ERROR_CODES, type ClientErrorCode, DeviceClientError, TokenEndpointError } from './errors';
export { describeTokenError, OAUTH_ERROR_MESSAGES } from './oauth-error-messages';
export { type Pkcs12Contents, readPkcs12 } from './pkcs12-reader';
export { type Pkcs12Input, writePkcs12 } from './pkcs12-writer';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy, retryDelayMs } from './retry-after';
export { type CachedToken, FileTokenCache, isFresh, refreshMarginSeconds, type TokenCacheKey } from './token-cache';
export { postTokenRequest, type TokenRequestForm, type TokenResponse } from './token-endpoint';

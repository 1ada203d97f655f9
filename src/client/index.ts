/**
 * The device client as a library (docs/device-client.md):
 *
 *   const credentials = loadCredentials({ kind: 'pkcs12', p12: 'device.p12' }, process.env.DEVICE_IDP_PASSPHRASE);
 *   const token = await getDeviceToken({ tokenEndpoint, clientId: 'client', credentials, cache: new FileTokenCache(dir) });
 *   // token.accessToken; refusals throw TokenEndpointError (describeTokenError words them)
 *
 * and the CA tooling behind `device-idp ca init` / `ca issue` (initCa, issueDevice).
 */
export { buildAssertion, DEFAULT_ASSERTION_LIFETIME_SECONDS, type AssertionOptions, type BuiltAssertion } from './assertion';
export { credentialsFromParts, credentialsFromPem, type DeviceCredentials } from './device-credentials';
export { loadCredentials, PASSPHRASE_ENV, resolvePassphrase, type CredentialFiles } from './credential-files';
export { getDeviceToken, type DeviceToken, type DeviceTokenDependencies, type DeviceTokenRequest } from './device-token-client';
export { CLIENT_ERROR_CODES, DeviceClientError, TokenEndpointError, type ClientErrorCode } from './errors';
export { describeTokenError, OAUTH_ERROR_MESSAGES } from './oauth-error-messages';
export { readPkcs12, type Pkcs12Contents } from './pkcs12-reader';
export { writePkcs12, type Pkcs12Input } from './pkcs12-writer';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-after';
export { FileTokenCache, isFresh, refreshMarginSeconds, type CachedToken, type TokenCacheKey } from './token-cache';
export { postTokenRequest, type TokenRequestForm, type TokenResponse } from './token-endpoint';
export { initCa, type CaInitOptions, type CaInitResult } from './ca/ca-init';
export { issueDevice, type CaIssueOptions, type CaIssueResult } from './ca/ca-issue';

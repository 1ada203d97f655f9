import { ALLOWED_ASSERTION_ALGS } from './assertion/compact-jws';
import { poolUrls } from './pool-urls';
import { DEVICE_SCOPE } from './scopes';
import { SUPPORTED_GRANT_TYPES } from './token-request';

/** RFC 8414 §2 authorization server metadata for one pool. */
export function serverMetadata(issuerBaseUrl: string, clientPoolId: string) {
  const urls = poolUrls(issuerBaseUrl, clientPoolId);
  return {
    issuer: urls.issuer,
    token_endpoint: urls.tokenEndpoint,
    jwks_uri: urls.jwksUri,
    grant_types_supported: SUPPORTED_GRANT_TYPES,
    // No authorization endpoint: devices use the token endpoint only.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ALLOWED_ASSERTION_ALGS],
    scopes_supported: [DEVICE_SCOPE],
  };
}

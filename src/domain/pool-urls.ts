import { randomBytes } from 'node:crypto';

/** The per-pool URL scheme Amazon Cognito user pools use: issuer = {base}/pools/{clientPoolId}. */
export interface PoolUrls {
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  metadataUri: string;
}

export function poolUrls(issuerBaseUrl: string, clientPoolId: string): PoolUrls {
  const issuer = `${issuerBaseUrl.replace(/\/+$/, '')}/pools/${clientPoolId}`;
  return {
    issuer,
    tokenEndpoint: `${issuer}/oauth2/token`,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    metadataUri: `${issuer}/.well-known/openid-configuration`,
  };
}

const POOL_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** 130 random bits: pool ids appear in public URLs and must not be guessable in sequence. */
export function newClientPoolId(): string {
  const bytes = randomBytes(26);
  let id = 'pool-';
  for (const byte of bytes) id += POOL_ALPHABET[byte & 31];
  return id;
}

import { randomUUID } from 'node:crypto';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../logger';
import { checkAssertionClaims, type AssertionClaims } from '../domain/assertion/claims';
import { parseCompactJws } from '../domain/assertion/compact-jws';
import { verifyAssertionSignature } from '../domain/assertion/signature';
import { devicePolicy, publicKeyObject, validateChain, type ParsedCertificate } from '../domain/chain';
import type { Device, Pool } from '../domain/model';
import { poolUrls } from '../domain/pool-urls';
import { checkRevocation, revocationSubjects } from '../domain/revocation';
import { grantScopes } from '../domain/scopes';
import { ACCESS_TOKEN_TYPE, accessTokenClaims } from '../domain/token-claims';
import { checkClientId, type TokenRequest } from '../domain/token-request';
import { selectAudience } from '../domain/audiences';
import type { DeviceRepository, DirectoryRepository, IssuanceLedger, IssuanceRefusal, RevocationRepository, TrustStoreRepository } from './ports';
import { requirePool } from './require-pool';

/** Signs with the pool's own key active at the token's `iat` (SPEC §4.6), or the shared legacy key for a pool not yet rotated. */
export interface TokenSigner {
  sign(pool: Pool, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

export interface IssueTokenDeps {
  directory: Pick<DirectoryRepository, 'getPool'>;
  trustStore: Pick<TrustStoreRepository, 'listRoots'>;
  revocations: Pick<RevocationRepository, 'revocationView'>;
  devices: Pick<DeviceRepository, 'getDeviceAndBinding'>;
  ledger: IssuanceLedger;
  signer: TokenSigner;
  issuerBaseUrl: string;
  tokenLifetimeSeconds: number;
  /** Fixed `aud` for every token; default: the pool's issuer. */
  tokenAudience?: string;
  clock: () => Date;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

const BUSINESS_UNIT_TAG = 'business_unit_id';
/** Decisions re-taken because the binding or the pool's trust changed under a request, before answering 503. */
const DECISION_ROUNDS = 3;
const STALE = Symbol('stale decision');

/**
 * SPEC §4: RFC 7523 JWT-bearer. Every read and check comes first; the token
 * is signed; then one transactional write (IssuanceLedger) spends the jti and
 * refreshes the device record on the condition that the device and binding
 * are still as read; then the pool's trust epoch is compared with the one
 * read first, and a moved epoch re-takes the trust decision on the new state
 * before the token may leave (why that makes deletions and revocations final:
 * src/storage/keys.ts). A refused or failed request never returns a token.
 */
export class IssueToken {
  constructor(private readonly deps: IssueTokenDeps) {}

  async execute(clientPoolId: string, request: TokenRequest): Promise<TokenResponse> {
    const now = this.deps.clock();
    try {
      for (let round = 1; round <= DECISION_ROUNDS; round++) {
        const outcome = await this.attempt(clientPoolId, request, now);
        if (outcome !== STALE) return outcome;
      }
    } catch (error) {
      throw request.form === 'client_authentication' ? asClientAuthentication(error) : error;
    }
    throw new DependencyError('dynamodb', new Error('the binding or the trust list kept changing during the request'));
  }

  private async attempt(clientPoolId: string, request: TokenRequest, now: Date): Promise<TokenResponse | typeof STALE> {
    const pool = await requirePool(this.deps.directory, clientPoolId);
    const assertion = parseCompactJws(request.assertion);
    checkClientId(request, assertion.claims.iss);
    const device = await this.trustedLeaf(pool, assertion.header.x5c, now);

    const key = publicKeyObject(device);
    if (!key) throw new DomainError('unsupported_public_key', 'the device certificate key cannot verify signatures');
    verifyAssertionSignature(assertion.header.alg, key, assertion.signingInput, assertion.signature);

    const urls = poolUrls(this.deps.issuerBaseUrl, clientPoolId);
    const claims = checkAssertionClaims(assertion.claims, { now, audiences: [urls.tokenEndpoint, urls.issuer] });
    if (device.subjectCN === undefined || claims.subject !== device.subjectCN) {
      throw new DomainError('sub_mismatch', 'sub must equal the device certificate subject CN');
    }

    const read = await this.deps.devices.getDeviceAndBinding(clientPoolId, claims.subject, claims.clientAppId, claims.jti);
    // Checked again, atomically, by the commit; refusing here spares a replay its KMS signature.
    if (read.jtiSpentUntil !== undefined && read.jtiSpentUntil >= now.getTime() / 1000) throw refusal('assertion_replayed', claims);
    const { device: record, binding } = read;
    if (!record || !binding) throw refusal('binding_not_found', claims);
    if (record.status === 'disabled') throw refusal('device_disabled', claims);
    const scopes = grantScopes(binding.scopes, request.requestedScopes);
    const audience = selectAudience(pool.audiences, request.resource, this.deps.tokenAudience ?? urls.issuer);
    checkBusinessUnit(record, device);

    const accessToken = await this.sign(pool, device, claims, scopes, { issuer: urls.issuer, audience }, now);
    const outcome = await this.deps.ledger.commit(clientPoolId, {
      deviceId: claims.subject,
      deviceGeneration: record.generation,
      deviceRevision: record.revision,
      clientAppId: claims.clientAppId,
      bindingRevision: binding.revision,
      jti: claims.jti,
      jtiExpiresAt: claims.acceptedUntil,
      attemptId: randomUUID(),
      provisioning: {
        thumbprint: device.sha256Hex,
        serial: device.serialNumberHex,
        issuer: device.issuerDn,
        notAfter: device.notAfter.toISOString(),
        businessUnit: device.subjectO,
        lastSeen: now.toISOString(),
      },
    });
    if (!outcome.committed) {
      if ('stale' in outcome) return STALE;
      throw refusal(outcome.refusal, claims);
    }
    await this.confirmTrust(pool, assertion.header.x5c, now);
    logger.info('token issued', { clientPoolId, deviceId: claims.subject, clientAppId: claims.clientAppId });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.deps.tokenLifetimeSeconds, scope: scopes.join(' ') };
  }

  /**
   * The device certificate, once its chain validates against the pool's
   * current roots and no certificate of the path is revoked. The trust list
   * is read on every request, after the pool (and its trustEpoch).
   */
  private async trustedLeaf(pool: Pool, x5c: readonly Uint8Array[], now: Date): Promise<ParsedCertificate> {
    const roots = await this.deps.trustStore.listRoots(pool.clientPoolId);
    const chain = await validateChain(
      { chain: x5c, anchors: roots.map((root) => new Uint8Array(Buffer.from(root.der, 'base64'))), intermediates: 'ordered' },
      devicePolicy(now),
    );
    if (!chain.valid) throw new DomainError(chain.code, chain.detail);
    const subjects = revocationSubjects(chain.path);
    const view = await this.deps.revocations.revocationView(pool.clientPoolId, subjects);
    const revoked = checkRevocation(chain.path, view, { now, requireCrl: pool.requireCrl === true });
    if (revoked) throw new DomainError(revoked.code, revoked.detail);
    return chain.leaf;
  }

  /** After the commit: if trust was taken away meanwhile, the decision is re-taken on the new state (keys.ts). */
  private async confirmTrust(decidedOn: Pool, x5c: readonly Uint8Array[], now: Date): Promise<void> {
    let epoch = decidedOn.trustEpoch;
    for (let round = 1; round <= DECISION_ROUNDS; round++) {
      const pool = await requirePool(this.deps.directory, decidedOn.clientPoolId);
      if (pool.trustEpoch === epoch) return;
      await this.trustedLeaf(pool, x5c, now);
      epoch = pool.trustEpoch;
    }
    throw new DependencyError('dynamodb', new Error('the trust list kept changing during the request'));
  }

  private async sign(pool: Pool, device: ParsedCertificate, claims: AssertionClaims, scopes: string[], { issuer, audience }: { issuer: string; audience: string }, now: Date): Promise<string> {
    const payload = accessTokenClaims({
      issuer,
      audience,
      deviceId: claims.subject,
      clientAppId: claims.clientAppId,
      scopes,
      orgId: pool.orgId,
      envId: pool.envId,
      businessUnitId: device.subjectO,
      certificateThumbprint: device.sha256Base64Url,
      issuedAt: now,
      lifetimeSeconds: this.deps.tokenLifetimeSeconds,
    });
    return this.deps.signer.sign(pool, { typ: ACCESS_TOKEN_TYPE }, payload);
  }
}

/**
 * RFC 7523 §3.2: in form 2 the JWT is the client's credential, so its
 * refusal is a failed client authentication; the error mapping turns the
 * codes form 1 answers with invalid_grant into 401 invalid_client.
 */
function asClientAuthentication(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  return new DomainError(error.code, error.message, { ...error.context, clientAuthentication: true });
}

function refusal(code: IssuanceRefusal, claims: AssertionClaims): DomainError {
  const messages = {
    device_disabled: `device ${claims.subject} is disabled`,
    binding_not_found: `device ${claims.subject} has no binding for client ${claims.clientAppId}`,
    assertion_replayed: 'this assertion (jti) has already been used',
  };
  return new DomainError(code, messages[code]);
}

/**
 * SPEC §4.4: a device pinned to a business unit only accepts certificates of
 * that unit (subject O). The pin is the `business_unit_id` tag, whether it was
 * set at pre-registration or later by PATCH.
 */
function checkBusinessUnit(record: Device, certificate: ParsedCertificate): void {
  const expected = record.tags?.[BUSINESS_UNIT_TAG];
  if (expected !== undefined && expected !== certificate.subjectO) {
    throw new DomainError('business_unit_mismatch', 'the certificate organisation (O) does not match the device business_unit_id');
  }
}

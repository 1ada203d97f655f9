import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors';
import { logger } from '../logger';
import { checkAssertionClaims } from '../domain/assertion/claims';
import { parseCompactJws } from '../domain/assertion/compact-jws';
import { verifyAssertionSignature } from '../domain/assertion/signature';
import { devicePolicy, publicKeyObject, validateChain, type ParsedCertificate } from '../domain/chain';
import type { Device, Pool } from '../domain/model';
import { poolUrls } from '../domain/pool-urls';
import { grantScopes } from '../domain/scopes';
import { ACCESS_TOKEN_TYPE, accessTokenClaims } from '../domain/token-claims';
import type { TokenRequest } from '../domain/token-request';
import type { DeviceRepository, DirectoryRepository, ReplayCache, TrustStoreRepository } from './ports';
import { requirePool } from './require-pool';

export interface TokenSigner {
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

export interface IssueTokenDeps {
  directory: Pick<DirectoryRepository, 'getPool'>;
  trustStore: Pick<TrustStoreRepository, 'listRoots'>;
  devices: Pick<DeviceRepository, 'getDevice' | 'getBinding' | 'recordProvisioning'>;
  replayCache: ReplayCache;
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

/**
 * SPEC §4: RFC 7523 JWT-bearer. Every read and check happens before the one
 * write that consumes the assertion; signing comes next and the device record
 * is refreshed last, so a refused or failed request never leaves a token or a
 * partial record behind.
 */
export class IssueToken {
  constructor(private readonly deps: IssueTokenDeps) {}

  async execute(clientPoolId: string, request: TokenRequest): Promise<TokenResponse> {
    const now = this.deps.clock();
    const pool = await requirePool(this.deps.directory, clientPoolId);
    const assertion = parseCompactJws(request.assertion);

    // The trust list is read on every request: a deleted root refuses the very next one.
    const roots = await this.deps.trustStore.listRoots(clientPoolId);
    const chain = await validateChain(
      { chain: assertion.header.x5c, anchors: roots.map((root) => new Uint8Array(Buffer.from(root.der, 'base64'))), intermediates: 'ordered' },
      devicePolicy(now),
    );
    if (!chain.valid) throw new DomainError(chain.code, chain.detail);
    const device = chain.leaf;

    const key = publicKeyObject(device);
    if (!key) throw new DomainError('unsupported_public_key', 'the device certificate key cannot verify signatures');
    verifyAssertionSignature(assertion.header.alg, key, assertion.signingInput, assertion.signature);

    const urls = poolUrls(this.deps.issuerBaseUrl, clientPoolId);
    const claims = checkAssertionClaims(assertion.claims, { now, audiences: [urls.tokenEndpoint, urls.issuer] });
    if (device.subjectCN === undefined || claims.subject !== device.subjectCN) {
      throw new DomainError('sub_mismatch', 'sub must equal the device certificate subject CN');
    }

    const [binding, record] = await Promise.all([
      this.deps.devices.getBinding(clientPoolId, claims.subject, claims.clientAppId),
      this.deps.devices.getDevice(clientPoolId, claims.subject),
    ]);
    if (!binding) throw new DomainError('binding_not_found', `device ${claims.subject} has no binding for client ${claims.clientAppId}`);
    const scopes = grantScopes(binding.scopes, request.requestedScopes);
    checkBusinessUnit(record, device);

    const attemptId = randomUUID();
    if (!(await this.deps.replayCache.consume(clientPoolId, claims.jti, claims.acceptedUntil, attemptId))) {
      throw replayed();
    }
    let accessToken: string;
    try {
      accessToken = await this.sign(pool, device, claims, scopes, urls.issuer, now);
      await this.deps.devices.recordProvisioning(clientPoolId, { deviceId: claims.subject, orgId: pool.orgId, envId: pool.envId }, {
        thumbprint: device.sha256Hex,
        serial: device.serialNumberHex,
        issuer: device.issuerDn,
        notAfter: device.notAfter.toISOString(),
        businessUnit: device.subjectO,
        lastSeen: now.toISOString(),
      });
      // Only now is the jti spent for good; a claim that lapsed meanwhile belongs to another attempt.
      if (!(await this.deps.replayCache.confirm(clientPoolId, claims.jti, attemptId))) throw replayed();
    } catch (error) {
      // No token leaves without its provisioning record and a spent jti. Releasing lets the device retry the
      // same assertion at once; if even that fails, the claim lapses after its lease.
      await this.deps.replayCache.release(clientPoolId, claims.jti, attemptId).catch(() => undefined);
      throw error;
    }
    logger.info('token issued', { clientPoolId, deviceId: claims.subject, clientAppId: claims.clientAppId });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.deps.tokenLifetimeSeconds, scope: scopes.join(' ') };
  }

  private async sign(
    pool: Pool,
    device: ParsedCertificate,
    claims: { subject: string; clientAppId: string; jti: string },
    scopes: string[],
    issuer: string,
    now: Date,
  ): Promise<string> {
    const payload = accessTokenClaims({
      issuer,
      audience: this.deps.tokenAudience ?? issuer,
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
    return this.deps.signer.sign({ typ: ACCESS_TOKEN_TYPE }, payload);
  }
}

function replayed(): DomainError {
  return new DomainError('assertion_replayed', 'this assertion (jti) has already been used');
}

/** SPEC §4.4: a pre-registered device pinned to a business unit only accepts certificates of that unit (subject O). */
function checkBusinessUnit(record: Device | undefined, certificate: ParsedCertificate): void {
  const expected = record?.preRegistered ? record.tags?.[BUSINESS_UNIT_TAG] : undefined;
  if (expected !== undefined && expected !== certificate.subjectO) {
    throw new DomainError('business_unit_mismatch', 'the certificate organisation (O) does not match the device business_unit_id');
  }
}

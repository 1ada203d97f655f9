import { randomUUID } from 'node:crypto';
import { type AssertionClaims, checkAssertionClaims } from '../domain/assertion/claims';
import { parseCompactJws } from '../domain/assertion/compact-jws';
import { verifyAssertionSignature } from '../domain/assertion/signature';
import { selectAudience } from '../domain/audiences';
import { checkBusinessUnit } from '../domain/business-unit';
import { devicePolicy, type ParsedCertificate, publicKeyObject, TrustAnchors, tryParseCertificate, validateChain } from '../domain/chain';
import { isIdentifier } from '../domain/identifiers';
import type { Pool } from '../domain/model';
import { poolUrls } from '../domain/pool-urls';
import { checkRevocation, revocationSubjects } from '../domain/revocation';
import { grantScopes } from '../domain/scopes';
import { ACCESS_TOKEN_TYPE, accessTokenClaims } from '../domain/token-claims';
import { tokenLifetimeOf } from '../domain/token-lifetime';
import { checkClientId, type TokenRequest } from '../domain/token-request';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../observability';
import type {
  DecisionParties,
  IssuanceLedger,
  IssuanceRefusal,
  RevocationKeys,
  RevocationRepository,
  TokenDecisionReader,
  TokenDecisionState,
  TokenSigner,
} from './ports';
import { POOL_ID } from './require-pool';

export interface IssueTokenDeps {
  /** The decision's one read: pool and trust list, device, binding, jti, revocation state. */
  reader: TokenDecisionReader;
  /** Revocation state of certificates the read did not cover (a cold function, an unusual path). */
  revocations: Pick<RevocationRepository, 'revocationView'>;
  ledger: IssuanceLedger;
  signer: TokenSigner;
  /** src/storage/trust-decision-window.ts: the deadline from the read to the commit. */
  trustWindow: TrustDecisionWindow;
  issuerBaseUrl: string;
  /** The deployment's token lifetime (TOKEN_TTL_SECONDS); a pool's own `tokenLifetimeSeconds` takes precedence. */
  tokenLifetimeSeconds: number;
  /** Fixed `aud` for every token; default: the pool's issuer. */
  tokenAudience?: string;
  clock: () => Date;
  /** Monotonic milliseconds (performance.now()): the read-to-commit deadline is a duration. */
  elapsedClock?: () => number;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Decisions re-taken because the binding or the pool's trust changed under a request, before answering 503. */
const DECISION_ROUNDS = 3;
const STALE = Symbol('stale decision');
/** Pools whose parsed anchors a function instance keeps; past this many it starts over. */
const ANCHOR_CACHE_POOLS = 256;
/** x5c entries larger than this are not parsed to plan the read (the chain validator refuses them). */
const MAX_CANDIDATE_BYTES = 16 * 1024;

/**
 * docs/contract.md §4: RFC 7523 JWT-bearer. One read (TokenDecisionReader) brings the
 * pool with its trust list, the device, the binding, the jti and the
 * revocation state of the certificates presented; every check runs on it;
 * the token is signed (one KMS call); then one transactional write
 * (IssuanceLedger) spends the jti and refreshes provisioning on the
 * condition that the device and binding are still as read. A decision whose
 * commit came later than the trust window's deadline after its read is taken
 * again on a read sent after the commit before the token may leave (why that
 * makes deletions and revocations final: src/storage/keys.ts). A refused or failed request never returns a
 * token.
 */
export class IssueToken {
  /** The parsed trust anchors of the pools last read, to plan the next read of each (never to decide). */
  private readonly anchorsByPool = new Map<string, { ders: ReadonlyMap<string, Uint8Array>; anchors: TrustAnchors }>();

  constructor(private readonly deps: IssueTokenDeps) {}

  async execute(clientPoolId: string, request: TokenRequest): Promise<TokenResponse> {
    const now = this.deps.clock();
    try {
      if (!POOL_ID.test(clientPoolId)) throw new DomainError('pool_not_found', 'unknown client pool');
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
    const assertion = parseCompactJws(request.assertion);
    checkClientId(request, assertion.claims.iss);
    const urls = poolUrls(this.deps.issuerBaseUrl, clientPoolId);
    // The claims are checked in full once the key is known; the read needs the device and app named.
    const named = namedParties(assertion.claims);

    const elapsed = this.deps.elapsedClock ?? (() => performance.now());
    const readAt = elapsed();
    const state = await this.deps.reader.read(clientPoolId, {
      ...named,
      revocationCandidates: this.revocationCandidates(clientPoolId, assertion.header.x5c),
    });
    const pool = state.pool;
    if (!pool) throw new DomainError('pool_not_found', 'unknown client pool');
    const device = await this.trustedLeaf(pool, state, assertion.header.x5c, now);

    const key = publicKeyObject(device);
    if (!key) throw new DomainError('unsupported_public_key', 'the device certificate key cannot verify signatures');
    verifyAssertionSignature(assertion.header.alg, key, assertion.signingInput, assertion.signature);

    const claims = checkAssertionClaims(assertion.claims, { now, audiences: [urls.tokenEndpoint, urls.issuer] });
    if (device.subjectCN === undefined || claims.subject !== device.subjectCN) {
      throw new DomainError('sub_mismatch', 'sub must equal the device certificate subject CN');
    }

    // Checked again, atomically, by the commit; refusing here spares a replay its KMS signature.
    if (state.jtiSpentUntil !== undefined && state.jtiSpentUntil >= now.getTime() / 1000) throw refusal('assertion_replayed', claims);
    const { device: record, binding } = state;
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
    if (elapsed() - readAt > this.deps.trustWindow.deadlineMs) await this.confirmTrust(pool, named, assertion.header.x5c, now);
    logger.info('token issued', { clientPoolId, deviceId: claims.subject, clientAppId: claims.clientAppId });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: tokenLifetimeOf(pool, this.deps.tokenLifetimeSeconds), scope: scopes.join(' ') };
  }

  /**
   * The device certificate, once its chain validates against the pool's
   * trust anchors as read and no certificate of the path is revoked.
   */
  private async trustedLeaf(pool: Pool, state: TokenDecisionState, x5c: readonly Uint8Array[], now: Date): Promise<ParsedCertificate> {
    const chain = await validateChain({ chain: x5c, anchors: this.anchorsOf(pool.clientPoolId, state.anchors), intermediates: 'ordered' }, devicePolicy(now));
    if (!chain.valid) throw new DomainError(chain.code, chain.detail);
    const subjects = revocationSubjects(chain.path);
    const view = state.revocationFor(subjects) ?? (await this.deps.revocations.revocationView(pool.clientPoolId, subjects));
    const revoked = checkRevocation(chain.path, view, { now, requireCrl: pool.requireCrl === true });
    if (revoked) throw new DomainError(revoked.code, revoked.detail);
    return chain.leaf;
  }

  /**
   * Past the deadline (src/domain/trust-decision-window.ts): the trust
   * decision is taken again on a read sent after the commit was
   * acknowledged, and the token leaves only if it still holds (keys.ts). A
   * change that committed before this read is wholly visible to it; one
   * that commits later answers after its settle wait, which began after this
   * token's commit. No epoch comparison decides here: one BatchGetItem is not
   * a snapshot (its pool item may be newer than its revocation items), so
   * the epoch read with a decision does not prove what the decision saw.
   */
  private async confirmTrust(decidedOn: Pool, named: DecisionParties, x5c: readonly Uint8Array[], now: Date): Promise<void> {
    const state = await this.deps.reader.read(decidedOn.clientPoolId, {
      ...named,
      revocationCandidates: this.revocationCandidates(decidedOn.clientPoolId, x5c),
    });
    if (!state.pool) throw new DomainError('pool_not_found', 'unknown client pool');
    await this.trustedLeaf(state.pool, state, x5c, now);
  }

  /**
   * The pool's anchors as read, parsed: kept to validate the next chain and
   * plan the pool's next read. Every read brings a new map, so it is
   * compared by content (ids and DER octet by octet): the anchors are parsed
   * again only when the pool's list changed.
   */
  private anchorsOf(clientPoolId: string, ders: ReadonlyMap<string, Uint8Array>): TrustAnchors {
    const known = this.anchorsByPool.get(clientPoolId);
    if (known && sameAnchors(known.ders, ders)) return known.anchors;
    const anchors = TrustAnchors.fromDer(ders.values());
    if (this.anchorsByPool.size >= ANCHOR_CACHE_POOLS) this.anchorsByPool.clear();
    this.anchorsByPool.set(clientPoolId, { ders, anchors });
    return anchors;
  }

  /**
   * The revocation identities to read with the decision: those of every
   * path the x5c can make with the pool's anchors as last read, each with
   * the CRL scopes of that anchor (the read says whether it covered the path
   * that validates, CRL signers included; TokenDecisionState).
   */
  private revocationCandidates(clientPoolId: string, x5c: readonly Uint8Array[]): RevocationKeys[] {
    const chain: ParsedCertificate[] = [];
    for (const der of x5c) {
      const result = der.byteLength <= MAX_CANDIDATE_BYTES ? tryParseCertificate(der) : undefined;
      if (!result?.ok) return [];
      chain.push(result.certificate);
    }
    if (chain.length === 0) return [];
    const top = chain[chain.length - 1];
    const anchors = this.anchorsByPool.get(clientPoolId)?.anchors.bySubject.get(top.issuer.comparisonKey) ?? [];
    const paths = anchors.length > 0 ? anchors.map((anchor) => [...chain, anchor]) : [chain];
    const unique = new Map<string, RevocationKeys>();
    for (const { scopeId, legacyIssuerIds, serialNumberHex, fingerprint, issuerSerialId, keyId } of paths.flatMap((path) => revocationSubjects(path))) {
      const keys: RevocationKeys = { scopeId, legacyIssuerIds, serialNumberHex, fingerprint, issuerSerialId, keyId };
      // The serial, issuerSerialId and keyId are functions of the certificate, which its fingerprint names.
      unique.set(`${fingerprint}|${scopeId}|${legacyIssuerIds.join('|')}`, keys);
    }
    return [...unique.values()];
  }

  private async sign(
    pool: Pool,
    device: ParsedCertificate,
    claims: AssertionClaims,
    scopes: string[],
    { issuer, audience }: { issuer: string; audience: string },
    now: Date,
  ): Promise<string> {
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
      lifetimeSeconds: tokenLifetimeOf(pool, this.deps.tokenLifetimeSeconds),
    });
    return this.deps.signer.sign(pool, { typ: ACCESS_TOKEN_TYPE }, payload);
  }
}

/** The same anchors: the same ids, each with the same DER bytes. */
function sameAnchors(a: ReadonlyMap<string, Uint8Array>, b: ReadonlyMap<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, der] of a) {
    const other = b.get(id);
    if (other === undefined || !Buffer.from(der.buffer, der.byteOffset, der.byteLength).equals(other)) return false;
  }
  return true;
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

/**
 * `sub` (the device id), `iss` (the app) and `jti` as the read needs them,
 * before the claims are checked in full (after the chain and the signature,
 * which keeps the order of refusals): a claim that is not a well-formed
 * identifier is left out of the read, and refused by checkAssertionClaims.
 */
function namedParties(claims: Record<string, unknown>): DecisionParties {
  const identifier = (value: unknown) => (typeof value === 'string' && isIdentifier(value) ? value : undefined);
  return {
    deviceId: identifier(claims.sub),
    clientAppId: identifier(claims.iss),
    jti: typeof claims.jti === 'string' && claims.jti.length > 0 ? claims.jti : undefined,
  };
}

function refusal(code: IssuanceRefusal, claims: AssertionClaims): DomainError {
  const messages = {
    device_disabled: `device ${claims.subject} is disabled`,
    binding_not_found: `device ${claims.subject} has no binding for client ${claims.clientAppId}`,
    assertion_replayed: 'this assertion (jti) has already been used',
  };
  return new DomainError(code, messages[code]);
}

import { generateApiKey, isApiKeyId } from '../domain/api-key-format';
import { parseAudiences } from '../domain/audiences';
import { optionalText, rejectUnknownFields, requireObject, requireText } from '../domain/fields';
import { requireIdentifier } from '../domain/identifiers';
import type { Environment, EnvironmentChanges, Organisation } from '../domain/model';
import { newClientPoolId, poolUrls } from '../domain/pool-urls';
import { parseTokenLifetime } from '../domain/token-lifetime';
import { DomainError } from '../errors';
import { logger } from '../observability';
import { type Principal, requireAdmin, requireOrgAccess } from './authenticate';
import type { ApiKeyRepository, DirectoryRepository, EnvironmentCreation } from './ports';
import type { SigningKeyService } from './signing-keys';

export interface OrganisationDeps {
  directory: DirectoryRepository;
  apiKeys: ApiKeyRepository;
  /** docs/contract.md §4.6: every pool gets its own KMS key when its environment is created. */
  signingKeys: Pick<SigningKeyService, 'provision' | 'discard'>;
  issuerBaseUrl: string;
  clock: () => Date;
}

const ORG_FIELDS = ['id', 'name', 'description'] as const;
const ENV_PATCH_FIELDS = ['name', 'description', 'requireCrl', 'audiences', 'tokenLifetimeSeconds'] as const;

export class OrganisationService {
  constructor(private readonly deps: OrganisationDeps) {}

  async createOrg(principal: Principal, input: unknown): Promise<Organisation> {
    requireAdmin(principal);
    const body = requireObject(input);
    rejectUnknownFields(body, ORG_FIELDS);
    const org: Organisation = {
      orgId: requireIdentifier('id', body.id),
      name: requireText(body, 'name'),
      description: optionalText(body, 'description'),
      createdAt: this.deps.clock().toISOString(),
    };
    if (!(await this.deps.directory.createOrg(org))) throw new DomainError('org_exists', `organisation ${org.orgId} already exists`);
    return org;
  }

  async createEnvironment(principal: Principal, orgId: string, input: unknown) {
    requireAdmin(principal);
    requireIdentifier('orgId', orgId);
    const body = requireObject(input);
    rejectUnknownFields(body, ORG_FIELDS);
    const env: Environment = {
      orgId,
      envId: requireIdentifier('id', body.id),
      name: requireText(body, 'name'),
      description: optionalText(body, 'description'),
      clientPoolId: newClientPoolId(),
      createdAt: this.deps.clock().toISOString(),
    };
    // Cheap refusals first, so a 404 or an obvious 409 costs no KMS key; the transaction still decides.
    if (!(await this.deps.directory.getOrg(orgId))) throw new DomainError('org_not_found', `organisation ${orgId} does not exist`);
    if (await this.deps.directory.getEnvironment(orgId, env.envId)) {
      throw new DomainError('env_exists', `environment ${env.envId} already exists in organisation ${orgId}`);
    }
    const key = await this.deps.signingKeys.provision(env.clientPoolId);
    try {
      const created = await this.deps.directory.createEnvironment(env, [key]);
      if (created !== 'created') throw environmentRefusal(created, env);
    } catch (error) {
      // Committed, with the answer lost: the environment is this request's.
      if (await this.poolWritten(env.clientPoolId, key.keyArn)) return this.environmentView(env);
      await this.deps.signingKeys.discard(key, error instanceof DomainError ? error.code : 'environment not written');
      throw error;
    }
    return this.environmentView(env);
  }

  /**
   * After a failed environment write: whether it happened anyway. When that
   * cannot be told, the key is freed all the same (the pool is new, no device
   * uses it yet); the log names it, and KMS keeps it recoverable for 30 days.
   */
  private async poolWritten(clientPoolId: string, keyArn: string): Promise<boolean> {
    try {
      const pool = await this.deps.directory.getPool(clientPoolId);
      return pool?.signingKeys?.some((key) => key.keyArn === keyArn) === true;
    } catch {
      logger.error('environment write failed and could not be checked; its signing key is scheduled for deletion', { clientPoolId, keyArn });
      return false;
    }
  }

  async getEnvironment(principal: Principal, orgId: string, envId: string) {
    requireOrgAccess(principal, orgId);
    return this.environmentView(await this.requireEnvironment(orgId, envId));
  }

  async createApiKey(principal: Principal, orgId: string) {
    requireAdmin(principal);
    requireIdentifier('orgId', orgId);
    if (!(await this.deps.directory.getOrg(orgId))) throw new DomainError('org_not_found', `organisation ${orgId} does not exist`);
    const key = generateApiKey();
    await this.deps.apiKeys.createApiKey({
      keyId: key.keyId,
      orgId,
      secretHash: key.secretHash,
      createdAt: this.deps.clock().toISOString(),
    });
    return { id: key.keyId, orgId, apiKey: key.apiKey };
  }

  /** The caller's permission is decided before anything is read (403 for another org's key). */
  async listApiKeys(principal: Principal, orgId: string) {
    requireOrgAccess(principal, orgId);
    requireIdentifier('orgId', orgId);
    if (!(await this.deps.directory.getOrg(orgId))) throw new DomainError('org_not_found', `organisation ${orgId} does not exist`);
    const listed = await this.deps.apiKeys.listApiKeys(orgId);
    return listed.map(({ keyId, ...rest }) => ({ id: keyId, ...rest }));
  }

  /**
   * A key of another organisation is answered exactly like an unknown one, so
   * this route tells nobody which key ids exist elsewhere. An org key may
   * revoke itself.
   */
  async revokeApiKey(principal: Principal, orgId: string, keyId: string): Promise<void> {
    requireOrgAccess(principal, orgId);
    requireIdentifier('orgId', orgId);
    if (!isApiKeyId(keyId))
      throw new DomainError('malformed_key_id', 'keyId must be the id returned when the key was created (k + 16 hex digits)', { field: 'keyId' });
    if (await this.deps.apiKeys.deleteApiKey(orgId, keyId)) return;
    if (!(await this.deps.directory.getOrg(orgId))) throw new DomainError('org_not_found', `organisation ${orgId} does not exist`);
    throw new DomainError('api_key_not_found', `organisation ${orgId} has no API key ${keyId}`);
  }

  /**
   * docs/contract.md §3.5 pool settings. `requireCrl: true` makes every issuer on a
   * device's path need a current CRL in the pool (`crl_missing` otherwise);
   * it takes effect from the very next token request. `audiences` are the
   * values a token request's `resource` may select as `aud` (docs/contract.md §4.1);
   * `tokenLifetimeSeconds` (60..86400) the lifetime of the pool's tokens. All
   * live on the pool item, which the token path reads with its decision.
   */
  async updateEnvironment(principal: Principal, orgId: string, envId: string, input: unknown) {
    requireAdmin(principal);
    const env = await this.requireEnvironment(orgId, envId);
    const body = requireObject(input);
    rejectUnknownFields(body, ENV_PATCH_FIELDS);
    if (body.requireCrl !== undefined && typeof body.requireCrl !== 'boolean') {
      throw new DomainError('invalid_field', 'requireCrl must be true or false', { field: 'requireCrl' });
    }
    const changes: EnvironmentChanges = {
      name: optionalText(body, 'name'),
      description: optionalText(body, 'description'),
      requireCrl: body.requireCrl as boolean | undefined,
      audiences: body.audiences === undefined ? undefined : parseAudiences(body.audiences),
      tokenLifetimeSeconds: body.tokenLifetimeSeconds === undefined ? undefined : parseTokenLifetime(body.tokenLifetimeSeconds),
    };
    if (Object.values(changes).every((value) => value === undefined)) {
      throw new DomainError('empty_update', `give at least one of ${ENV_PATCH_FIELDS.join(', ')}`);
    }
    const updated = await this.deps.directory.updateEnvironment(env, changes, this.deps.clock().toISOString());
    if (!updated) throw new DomainError('env_not_found', `environment ${envId} does not exist in organisation ${orgId}`);
    return this.environmentView(updated);
  }

  /** 404 names the missing level: organisation first, then environment. */
  async requireEnvironment(orgId: string, envId: string): Promise<Environment> {
    requireIdentifier('orgId', orgId);
    requireIdentifier('envId', envId);
    const env = await this.deps.directory.getEnvironment(orgId, envId);
    if (env) return env;
    if (!(await this.deps.directory.getOrg(orgId))) throw new DomainError('org_not_found', `organisation ${orgId} does not exist`);
    throw new DomainError('env_not_found', `environment ${envId} does not exist in organisation ${orgId}`);
  }

  private environmentView(env: Environment) {
    const urls = poolUrls(this.deps.issuerBaseUrl, env.clientPoolId);
    return {
      orgId: env.orgId,
      envId: env.envId,
      name: env.name,
      ...(env.description === undefined ? {} : { description: env.description }),
      clientPoolId: env.clientPoolId,
      requireCrl: env.requireCrl === true,
      audiences: env.audiences ?? [],
      ...(env.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: env.tokenLifetimeSeconds }),
      issuer: urls.issuer,
      tokenEndpoint: urls.tokenEndpoint,
      jwksUri: urls.jwksUri,
      createdAt: env.createdAt,
    };
  }
}

/**
 * docs/contract.md §3: what the environment write found in the way, as its
 * refusal. A missing organisation is 404 `org_not_found`; an environment of
 * that id is 409 `env_exists`, and so is a taken pool id (a clash of random
 * ids: nothing was written, and a new request draws a new id).
 */
function environmentRefusal(found: Exclude<EnvironmentCreation, 'created'>, env: Environment): DomainError {
  if (found === 'organisation_missing') return new DomainError('org_not_found', `organisation ${env.orgId} does not exist`);
  return new DomainError('env_exists', `environment ${env.envId} already exists in organisation ${env.orgId}`);
}

import type { Principal } from '../../../src/usecases/authenticate';
import { DeviceService } from '../../../src/usecases/devices';
import { OrganisationService } from '../../../src/usecases/organisations';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { InMemoryApiKeys } from '../../support/in-memory/api-keys';
import { InMemoryDevices } from '../../support/in-memory/devices';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { FakePools, FakeVault } from './signing-key-fakes';

export const ADMIN: Principal = { kind: 'admin' };
export const ACME_KEY: Principal = { kind: 'org', orgId: 'acme', keyId: 'k0123456789abcdef' };
export const GLOBEX_KEY: Principal = { kind: 'org', orgId: 'globex', keyId: 'kfedcba9876543210' };
/** acme/prod, acme/test and globex/prod, each with its own pool. */
export const POOLS = { acmeProd: 'pool-acme-prod', acmeTest: 'pool-acme-test', globexProd: 'pool-globex-prod' } as const;
export const PROD = { orgId: 'acme', envId: 'prod' } as const;
const CREATED = '2030-01-01T00:00:00.000Z';
const T0 = Date.parse('2030-06-15T12:00:00.000Z');

/**
 * A DeviceService over the in-memory directory and device store, with the
 * real OrganisationService resolving {orgId, envId} to a pool; `at(ms)`
 * moves the clock to T0 + ms.
 */
export function deviceWorld() {
  let now = T0;
  const clock = () => new Date(now);
  const directory = new InMemoryDirectory();
  directory.seed(
    { orgId: 'acme', name: 'Acme', createdAt: CREATED },
    { envId: 'prod', name: 'Production', clientPoolId: POOLS.acmeProd, createdAt: CREATED },
    { envId: 'test', name: 'Test', clientPoolId: POOLS.acmeTest, createdAt: CREATED },
  );
  directory.seed(
    { orgId: 'globex', name: 'Globex', createdAt: CREATED },
    { envId: 'prod', name: 'Production', clientPoolId: POOLS.globexProd, createdAt: CREATED },
  );
  const signingKeys = new SigningKeyService({ directory, keyList: new FakePools(), vault: new FakeVault(), tokenLifetimeSeconds: 3600, clock });
  const organisations = new OrganisationService({ directory, apiKeys: new InMemoryApiKeys(), signingKeys, issuerBaseUrl: 'https://idp.example.com', clock });
  const devices = new InMemoryDevices();
  const service = new DeviceService({ organisations, devices, clock });
  return {
    directory,
    devices,
    service,
    at: (offsetMs: number) => {
      now = T0 + offsetMs;
    },
    iso: (offsetMs = 0) => new Date(T0 + offsetMs).toISOString(),
  };
}

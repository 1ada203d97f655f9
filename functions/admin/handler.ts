import { documentClient } from '../../src/aws-clients';
import { adminAccess } from '../../src/composition';
import { adminFunctionConfig } from '../../src/config';
import { signingKeyService } from '../../src/signing-key-composition';
import { DynamoDeviceRepository } from '../../src/storage/dynamo-device-repository';
import { DeviceService } from '../../src/usecases/devices';
import { OrganisationService } from '../../src/usecases/organisations';
import { createAdminHandler, isSigningKeySweep } from './app';

const config = adminFunctionConfig();
const client = documentClient();
const { apiKeys, directory, authenticator } = adminAccess(client, config);
const clock = () => new Date();
const signingKeys = signingKeyService({ client, config, directory, clock });
const organisations = new OrganisationService({ directory, apiKeys, signingKeys, issuerBaseUrl: config.issuerBaseUrl, clock });

const http = createAdminHandler({
  apiBaseUrl: config.issuerBaseUrl,
  authenticator,
  organisations,
  signingKeys,
  devices: new DeviceService({
    organisations,
    devices: new DynamoDeviceRepository(client, { config: config.tableName, runtime: config.runtimeTableName }),
    clock,
  }),
});

/** API Gateway's proxy events, and the stack's daily schedule (lib/constructs/pool-signing-keys.ts). */
export const handler = async (event: Parameters<typeof http>[0], context: Parameters<typeof http>[1]) =>
  isSigningKeySweep(event) ? ((await signingKeys.sweepAll()) as never as Awaited<ReturnType<typeof http>>) : http(event, context);

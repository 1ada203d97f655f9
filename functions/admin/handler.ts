import { documentClient } from '../../src/aws-clients';
import { adminAccess } from '../../src/composition';
import { issuerBaseUrl } from '../../src/config';
import { DynamoDeviceRepository } from '../../src/storage/dynamo-device-repository';
import { DeviceService } from '../../src/usecases/devices';
import { OrganisationService } from '../../src/usecases/organisations';
import { createAdminHandler } from './app';

const client = documentClient();
const { tableName, apiKeys, directory, authenticator } = adminAccess(client);
const clock = () => new Date();
const organisations = new OrganisationService({ directory, apiKeys, issuerBaseUrl: issuerBaseUrl(), clock });

export const handler = createAdminHandler({
  authenticator,
  organisations,
  devices: new DeviceService({ organisations, devices: new DynamoDeviceRepository(client, tableName), clock }),
});

import { startTestIdp } from '../test/support/test-idp';
import { enrolFleet, sendTokenRequest, tokenRequestBodies } from './enrolled-fleet';
import { SdkCallCounter } from './sdk-call-counter';

/** SDK service ids (the clients' `config.serviceId`) and the figure-name prefixes of the issue. */
const COUNTED_SERVICES = [
  { serviceId: 'DynamoDB', figure: 'dynamodb' },
  { serviceId: 'KMS', figure: 'kms' },
  { serviceId: 'S3', figure: 's3' },
  { serviceId: 'Secrets Manager', figure: 'secrets' },
] as const;

interface ServiceCalls {
  readonly figure: string;
  readonly callsPerToken: number;
  readonly retriesPerToken: number;
  /** e.g. "GetItemCommand 1.00, TransactWriteItemsCommand 1.00" per token. */
  readonly operations: string;
}

export interface CallsPerToken {
  readonly tokens: number;
  readonly services: ServiceCalls[];
}

/**
 * AWS calls per warm token request: the local IDP in this process (its
 * handlers build their real SDK clients, pointed at DynamoDB Local, s3rver
 * and the local KMS endpoint), a fleet of `devices` enrolled over the admin
 * API, one warm-up token per device (cold start, keys, first-seen writes),
 * then one counted token per device, sequentially, nothing else in flight.
 */
export async function measureCallsPerToken(endpoints: { dynamodb: string; s3: string }, devices: number): Promise<CallsPerToken> {
  const counter = new SdkCallCounter();
  counter.install();
  const idp = await startTestIdp({ dynamodbEndpoint: endpoints.dynamodb, s3Endpoint: endpoints.s3 });
  try {
    const fleet = await enrolFleet(idp, devices, 'bench-calls');
    for (const body of await tokenRequestBodies(fleet, devices)) expectIssued(await sendTokenRequest(fleet, body));
    const counted = await tokenRequestBodies(fleet, devices);
    counter.reset();
    for (const body of counted) expectIssued(await sendTokenRequest(fleet, body));
    const unknown = counter.services().filter((id) => !COUNTED_SERVICES.some((service) => service.serviceId === id));
    if (unknown.length > 0) throw new Error(`the token requests also called ${unknown.join(', ')}`);
    if (counter.tally('DynamoDB').calls === 0) throw new Error('no DynamoDB call was counted: the SDK instrumentation did not attach');
    return {
      tokens: counted.length,
      services: COUNTED_SERVICES.map(({ serviceId, figure }) => {
        const tally = counter.tally(serviceId);
        const operations = [...tally.operations].map(([name, calls]) => `${name} ${(calls / counted.length).toFixed(2)}`).join(', ');
        return { figure, callsPerToken: tally.calls / counted.length, retriesPerToken: (tally.attempts - tally.calls) / counted.length, operations };
      }),
    };
  } finally {
    counter.restore();
    await idp.stop();
  }
}

function expectIssued(outcome: string): void {
  if (outcome !== '200') throw new Error(`token request refused: ${outcome}`);
}

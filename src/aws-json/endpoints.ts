import { partition } from '@aws-sdk/core/client';

/**
 * The endpoint of `service` (its endpoint prefix: `dynamodb`, `kms`) in
 * `region`, resolved as the SDK resolves it for a client without options:
 * AWS_ENDPOINT_URL_<SERVICE> (the local runtime sets these to its
 * emulators), else AWS_ENDPOINT_URL, else `https://<service>.<region>.<DNS
 * suffix of the region's partition>` (the SDK's partition data:
 * `@aws-sdk/core`). https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 *
 * FIPS and dual-stack endpoints (AWS_USE_FIPS_ENDPOINT,
 * AWS_USE_DUALSTACK_ENDPOINT) are not resolved: set, they throw
 * {@link AwsClientConfigError} at cold start rather than be ignored; give the
 * endpoint in AWS_ENDPOINT_URL_<SERVICE> instead.
 */
export function serviceEndpoint(service: string, region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const serviceVariable = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
  const configured = env[serviceVariable] || env.AWS_ENDPOINT_URL;
  if (configured && env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    try {
      return new URL(configured);
    } catch {
      throw new AwsClientConfigError(`${serviceVariable} (or AWS_ENDPOINT_URL) is not a URL: ${configured}`);
    }
  }
  for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
    if (env[name] === 'true') throw new AwsClientConfigError(`${name}=true is not supported: set ${serviceVariable} to the endpoint`);
  }
  if (!/^[a-z0-9-]+$/.test(region)) throw new AwsClientConfigError(`AWS_REGION is not a region name: ${region}`);
  return new URL(`https://${service}.${region}.${partition(region).dnsSuffix}`);
}

/** A client cannot be built from the configuration it was given (thrown at cold start). */
export class AwsClientConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsClientConfigError';
  }
}

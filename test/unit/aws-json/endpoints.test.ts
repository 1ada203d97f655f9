import { AwsClientConfigError, serviceEndpoint } from '../../../src/aws-json/endpoints';

/* The AWS JSON clients' endpoint, resolved as the SDK resolves one for a client without options. */
describe('serviceEndpoint', () => {
  it('is the regional endpoint of the region partition', () => {
    expect(serviceEndpoint('dynamodb', 'eu-west-1', {}).href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(serviceEndpoint('kms', 'cn-north-1', {}).href).toBe('https://kms.cn-north-1.amazonaws.com.cn/');
    expect(serviceEndpoint('kms', 'us-gov-west-1', {}).href).toBe('https://kms.us-gov-west-1.amazonaws.com/');
  });

  it('AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL, both over the region, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    const env = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' };
    expect(serviceEndpoint('dynamodb', 'eu-west-1', env).href).toBe('http://127.0.0.1:8000/');
    expect(serviceEndpoint('kms', 'eu-west-1', env).href).toBe('http://127.0.0.1:9000/');
    expect(serviceEndpoint('kms', 'eu-west-1', { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).href).toBe('https://kms.eu-west-1.amazonaws.com/');
  });

  it('refuses at cold start what it would otherwise ignore or misuse', () => {
    expect(() => serviceEndpoint('kms', 'eu-west-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toThrow(AwsClientConfigError);
    expect(() => serviceEndpoint('kms', 'eu-west-1', { AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toThrow('AWS_USE_DUALSTACK_ENDPOINT=true is not supported');
    expect(() => serviceEndpoint('kms', 'evil.example/', {})).toThrow('AWS_REGION is not a region name');
    expect(() => serviceEndpoint('dynamodb', 'eu-west-1', { AWS_ENDPOINT_URL_DYNAMODB: 'not a url' })).toThrow(AwsClientConfigError);
  });
});

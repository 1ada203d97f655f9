/*
 * Imported first by the tests of this folder, before any module of src/:
 * src/observability.ts configures its Logger and Metrics from these variables
 * when it is loaded, as in Lambda at cold start (jest-setup turns both off).
 */
export const TEST_NAMESPACE = 'DeviceIdpTest';
export const TEST_SERVICE = 'device-idp-test';

process.env.IDP_LOG_LEVEL = 'info';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_METRICS_NAMESPACE = TEST_NAMESPACE;
process.env.POWERTOOLS_SERVICE_NAME = TEST_SERVICE;
delete process.env.POWERTOOLS_TRACE_ENABLED;

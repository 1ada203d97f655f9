/*
 * Imported first (before any module of src/) by a test about what is logged:
 * src/observability.ts builds its Logger at load time from IDP_LOG_LEVEL, as a
 * function does at cold start, and Powertools' injectLambdaContext restores
 * that level at every invocation, so the level cannot be raised later.
 */
process.env.IDP_LOG_LEVEL = 'info';

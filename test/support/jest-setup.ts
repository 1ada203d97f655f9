// The IDP's JSON logs are noise in test output; a test about logging turns them on itself.
// IDP_LOG_LEVEL set in the shell (e.g. `IDP_LOG_LEVEL=info npx jest ...`) still wins, for debugging.
process.env.IDP_LOG_LEVEL ??= 'silent';
// The same for metrics: EMF documents only where a test turns them on (test/unit/observability).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

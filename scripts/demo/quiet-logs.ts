/**
 * Imported first by scripts/demo.ts, before any handler module reads its
 * logger settings: the demo's output is its steps, not the handlers' JSON
 * logs and EMF metric documents. Both log switches are set, the IDP's own
 * (IDP_LOG_LEVEL) and Powertools Logger's, and Powertools Metrics is turned
 * off; a value already in the environment wins, so
 * `IDP_LOG_LEVEL=info npm run demo` still shows the logs when debugging.
 */
process.env.IDP_LOG_LEVEL ??= 'silent';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Lambda runs Node.js 22; the SDK's notice about a local Node 20 is noise here too (as in local/start.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};

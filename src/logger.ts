/**
 * Minimal structured logger. Callers pass codes and identifiers only: request
 * bodies, headers, API keys, assertions and tokens are never logged.
 */
type Fields = Record<string, string | number | boolean | undefined>;

function write(level: 'info' | 'warn' | 'error', message: string, fields: Fields): void {
  if (process.env.IDP_LOG_LEVEL === 'silent') return;
  const line = JSON.stringify({ level, message, ...fields, time: new Date().toISOString() });
  if (level === 'info') console.log(line);
  else console.error(line);
}

export const logger = {
  info: (message: string, fields: Fields = {}) => write('info', message, fields),
  warn: (message: string, fields: Fields = {}) => write('warn', message, fields),
  error: (message: string, fields: Fields = {}) => write('error', message, fields),
};

import { ENV } from './config-names';
import { type TrustDecisionWindow, trustDecisionWindow } from './domain/trust-decision-window';

/** Misconfiguration fails at cold start, not mid-request. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') throw new Error(`missing required environment variable ${name}`);
  return value;
}

export function issuerBaseUrl(): string {
  const value = requireEnv(ENV.issuerBaseUrl);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${ENV.issuerBaseUrl} must be an absolute URL`);
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new Error(`${ENV.issuerBaseUrl} must use https (http is allowed for 127.0.0.1/localhost only)`);
  }
  return value.replace(/\/+$/, '');
}

export function positiveIntegerEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Default of TRUST_DECISION_DEADLINE_MS: far above a token request's read-to-commit time, short enough for an admin to wait. */
const TRUST_DECISION_DEADLINE_MS = 1000;

/** The window every function of a deployment must agree on (ENV.trustDecisionDeadlineMs). */
export function configuredTrustDecisionWindow(): TrustDecisionWindow {
  return trustDecisionWindow(positiveIntegerEnv(ENV.trustDecisionDeadlineMs, TRUST_DECISION_DEADLINE_MS));
}

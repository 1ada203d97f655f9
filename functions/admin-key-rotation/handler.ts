import { secretsManagerClient } from '../../src/aws-secrets-client';
import { createRotationHandler } from './rotation-steps';

/** Invoked by Secrets Manager only (lib/constructs/admin-api-key.ts), once per rotation step. */
export const handler = createRotationHandler(secretsManagerClient());

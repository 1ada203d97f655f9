import { ADMIN_SCHEMAS } from './admin-schemas';
import type { SchemaName } from './responses';
import { TOKEN_SCHEMAS } from './token-schemas';
import { TRUST_SCHEMAS } from './trust-schemas';
import type { JsonSchema } from './types';

/** `components.schemas`: exactly the names of SCHEMA_NAMES (a missing one does not compile; the tests check there is no other). */
export const API_SCHEMAS: Record<SchemaName, JsonSchema> = { ...TOKEN_SCHEMAS, ...ADMIN_SCHEMAS, ...TRUST_SCHEMAS };

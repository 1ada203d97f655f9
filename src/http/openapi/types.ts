/**
 * The subset of OpenAPI 3.1 (https://spec.openapis.org/oas/v3.1.1.html) this
 * API's description uses, typed so that a misspelt keyword does not compile.
 * Schemas are JSON Schema 2020-12 (OpenAPI 3.1 §4.8.24), validated as such by
 * the tests (test/support/openapi-recorder.ts).
 */
export interface JsonSchema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null' | ReadonlyArray<'string' | 'null'>;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: readonly unknown[];
  const?: unknown;
  format?: 'date-time' | 'uri';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  contentMediaType?: string;
}

export interface HeaderObject {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

interface MediaTypeObject {
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  /** Absent for 204. */
  content?: Record<string, MediaTypeObject>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface RequestBodyObject {
  description?: string;
  required: boolean;
  content: Record<string, MediaTypeObject>;
}

/** OpenAPI 3.1 §4.8.10: `security: []` marks an operation that needs no credentials. */
export type SecurityRequirement = Record<string, readonly string[]>;

/** Status code (as a string, OpenAPI 3.1 §4.8.16) → response; `default` is the catch-all for unexpected failures. */
export type Responses = Record<string, ResponseObject>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  security: readonly SecurityRequirement[];
  parameters?: readonly ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Responses;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export interface PathItemObject {
  parameters?: readonly ParameterObject[];
  get?: OperationObject;
  post?: OperationObject;
  patch?: OperationObject;
  delete?: OperationObject;
}

interface SecuritySchemeObject {
  type: 'apiKey';
  in: 'header';
  name: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  /** Relative to the document's own location when absent (OpenAPI 3.1 §4.8.5). */
  servers?: ReadonlyArray<{ url: string; description?: string }>;
  tags: ReadonlyArray<{ name: string; description: string }>;
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
  };
}

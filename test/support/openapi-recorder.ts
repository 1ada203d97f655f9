import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenApiDocument, OperationObject, ResponseObject } from '../../src/http/openapi/types';

/** A real HTTP answer: status, headers and the body as received. */
export interface ObservedResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface CheckedResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for an empty one. */
  body: unknown;
}

const SCHEMA_REF = '#/components/schemas/';

/**
 * Checks real responses against the OpenAPI description and remembers which
 * (route, status) pairs were produced. A response passes only when its status
 * is documented for its route (`default` never matches: a 500 is a failure),
 * its media type is the documented one (no body where none is documented),
 * its JSON body validates against the documented JSON Schema 2020-12 (ajv,
 * strict mode: an unknown keyword in the description is an error too), and
 * every required header is present and valid.
 */
export class OpenApiRecorder {
  private readonly ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly produced = new Set<string>();
  private readonly defs: Record<string, unknown>;

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.defs = rewriteRefs(document.components.schemas) as Record<string, unknown>;
    // Compile every component once: a schema error shows even if no response uses it.
    for (const name of Object.keys(document.components.schemas)) this.validator(`component ${name}`, { $ref: `${SCHEMA_REF}${name}` });
  }

  /** `route` is `METHOD /template` as in src/http/routes.ts. Throws naming every mismatch; returns the parsed body. */
  check(route: string, observed: ObservedResponse): CheckedResponse {
    const response = this.documented(route, observed.status);
    const problems: string[] = [];
    const mediaType = (observed.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    let body: unknown;
    if (!response.content) {
      if (observed.text !== '') problems.push(`a body where none is documented: ${observed.text.slice(0, 200)}`);
    } else if (!(mediaType in response.content)) {
      problems.push(`content type ${mediaType || '(none)'}, documented: ${Object.keys(response.content).join(', ')}`);
    } else {
      try {
        body = JSON.parse(observed.text);
      } catch {
        problems.push(`a body that is not JSON: ${observed.text.slice(0, 200)}`);
      }
      const validate = this.validator(`${route} ${observed.status}`, response.content[mediaType].schema);
      if (body !== undefined && !validate(body))
        problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
    }
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = observed.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`missing header ${name}`);
        continue;
      }
      const validate = this.validator(`${route} ${observed.status} header ${name}`, header.schema);
      if (!validate(value)) problems.push(`header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`);
    }
    if (problems.length > 0) {
      throw new Error(
        `${route} → ${observed.status} does not match the OpenAPI description:\n  ${problems.join('\n  ')}\n  body: ${observed.text.slice(0, 500)}`,
      );
    }
    this.produced.add(`${route} ${observed.status}`);
    return { status: observed.status, headers: observed.headers, body };
  }

  /** Reads a fetch Response whole and checks it. */
  async record(route: string, response: Response): Promise<CheckedResponse> {
    return this.check(route, { status: response.status, headers: response.headers, text: await response.text() });
  }

  /** Every documented `METHOD /template status`, `default` aside. */
  documentedPairs(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      (['get', 'post', 'patch', 'delete'] as const).flatMap((method) => {
        const operation: OperationObject | undefined = item[method];
        if (!operation) return [];
        return Object.keys(operation.responses)
          .filter((status) => status !== 'default')
          .map((status) => `${method.toUpperCase()} ${path} ${status}`);
      }),
    );
  }

  /** Documented pairs no checked response has produced yet. */
  notProduced(): string[] {
    return this.documentedPairs().filter((pair) => !this.produced.has(pair));
  }

  private documented(route: string, status: number): ResponseObject {
    const [method, path] = route.split(' ');
    const operation = this.document.paths[path]?.[method.toLowerCase() as 'get'];
    if (!operation) throw new Error(`${route} is not in the OpenAPI description`);
    const response = operation.responses[String(status)];
    if (!response) {
      throw new Error(`${route} answered ${status}, which its description does not list (${Object.keys(operation.responses).join(', ')})`);
    }
    return response;
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({ ...(rewriteRefs(schema) as object), $defs: this.defs });
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** `#/components/schemas/X` → `#/$defs/X`, so each schema compiles standalone with the components beside it. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMA_REF) ? `#/$defs/${item.slice(SCHEMA_REF.length)}` : rewriteRefs(item),
    ]),
  );
}

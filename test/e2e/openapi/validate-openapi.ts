import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface OpenApiVerdict {
  valid: boolean;
  errors?: unknown;
}

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator (the
 * OpenAPI Initiative's JSON Schemas for 2.0–3.2, checked with ajv, plus its
 * $ref resolution). It ships as an ES module using `import.meta`, which jest's
 * CommonJS transform cannot load, so it runs as published, in its own Node
 * process, reading the document from stdin.
 */
export function validateOpenApi(document: unknown): Promise<OpenApiVerdict> {
  const entry = pathToFileURL(require.resolve('@seriousme/openapi-schema-validator')).href;
  const script = [
    `import { Validator } from ${JSON.stringify(entry)};`,
    'let input = "";',
    'process.stdin.setEncoding("utf8").on("data", (chunk) => { input += chunk; });',
    'process.stdin.on("end", async () => { process.stdout.write(JSON.stringify(await new Validator().validate(JSON.parse(input)))); });',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the validator failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as OpenApiVerdict);
    });
    child.stdin!.end(JSON.stringify(document));
  });
}

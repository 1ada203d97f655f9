/**
 * Writes docs/refusal-codes.md from the refusal registry (src/refusal-codes.ts).
 *
 *   npm run -s docs:codes
 *
 * Run it after changing the registry; test/unit/errors/refusal-codes-page.test.ts
 * fails while the checked-in page differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFUSAL_CODES } from '../src/refusal-codes';
import { REFUSAL_CODES_PAGE, renderRefusalCodesPage } from './refusal-codes-page';

writeFileSync(join(__dirname, '..', REFUSAL_CODES_PAGE), renderRefusalCodesPage());
process.stdout.write(`${REFUSAL_CODES_PAGE}: ${Object.keys(REFUSAL_CODES).length} codes\n`);

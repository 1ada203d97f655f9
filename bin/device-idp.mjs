#!/usr/bin/env node
// The `device-idp` executable (package.json "bin"): runs bin/device-idp.ts
// through tsx, resolved next to this file, so `npx device-idp` works from a
// clone after `npm ci` and from any directory.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerCjs();
registerEsm();
await import(new URL('./device-idp.ts', import.meta.url).href);

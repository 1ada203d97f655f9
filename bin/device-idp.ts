/**
 * `device-idp`: the device client and CA tooling (docs/device-client.md).
 * `device-idp --help` lists the commands; bin/device-idp.mjs is the
 * executable that npm links, running this file through tsx.
 */
import { main } from '../src/client/cli/main';

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});

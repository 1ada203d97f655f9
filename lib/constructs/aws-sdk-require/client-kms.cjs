// Bundled in place of @aws-sdk/client-kms (lib/constructs/idp-function.ts, AWS_SDK_REQUIRE_ALIASES):
// the function loads the runtime's package with require. The name is a variable so that
// esbuild leaves the call to Node (a literal would resolve to this file again).
const sdkPackage = '@aws-sdk/client-kms';
module.exports = require(sdkPackage);

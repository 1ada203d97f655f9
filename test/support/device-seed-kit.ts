/*
 * The scripts of the seed flow, as a platform team and a device run them:
 * the docs/contract.md §5 openssl recipe for bash, a device that signs its own assertion
 * with PyJWT, and a resource server that verifies the access token with PyJWT
 * against the JWKS fetched over HTTP. Run the Python ones with Debian's
 * /usr/bin/python3 (PyJWT 2.6, cryptography 38), independent of this code.
 */

/** docs/contract.md §5 verbatim (C=US); `-passout pass:` only so the PKCS#12 export does not prompt. */
export const RECIPE = `
cat > openssl.conf << EOF
[v3_ca]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always,issuer
basicConstraints=critical,CA:true
[v3_intermediate_ca]
basicConstraints=CA:TRUE,pathlen:0
EOF
openssl genrsa -out root-ca.key 4096
openssl req -new -nodes -x509 -days 3650 -key root-ca.key -out root-ca.crt -subj "/C=US/ST=State/L=City/O=Organization/CN=Root CA" -extensions v3_ca -config ./openssl.conf
openssl genrsa -out intermediate-ca.key 4096
openssl req -new -key intermediate-ca.key -out intermediate-ca.csr -subj "/C=US/ST=State/L=City/O=Organization/CN=Device Intermediate CA"
openssl x509 -req -in intermediate-ca.csr -CA root-ca.crt -CAkey root-ca.key -CAcreateserial -out intermediate-ca.crt -days 1825 -extensions v3_intermediate_ca -extfile ./openssl.conf
cat intermediate-ca.crt root-ca.crt > ca-chain.crt
openssl genrsa -out device.key 2048
openssl req -new -key device.key -out device.csr -subj "/C=US/ST=State/L=City/O=Business Unit ID/CN=device-id-or-asset-id"
openssl x509 -req -in device.csr -CA intermediate-ca.crt -CAkey intermediate-ca.key -CAcreateserial -out device.crt -days 365
cat device.crt intermediate-ca.crt root-ca.crt > device.chain.crt
openssl pkcs12 -export -out device.p12 -inkey device.key -in device.crt -certfile device.chain.crt -passout pass:
`;

/** The device: signs its own RFC 7523 assertion with PyJWT, x5c = [device, intermediate]. */
export const DEVICE_PY = `
import base64, sys, time, uuid
import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

def x5c_entry(path):
    with open(path, "rb") as f:
        return base64.b64encode(x509.load_pem_x509_certificate(f.read()).public_bytes(Encoding.DER)).decode()

client_app_id, device_id, audience = sys.argv[1:4]
now = int(time.time())
claims = {"iss": client_app_id, "sub": device_id, "aud": audience, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
with open("device.key", "rb") as f:
    key = f.read()
print(jwt.encode(claims, key, algorithm="RS256", headers={"x5c": [x5c_entry("device.crt"), x5c_entry("intermediate-ca.crt")]}))
`;

/** A resource server: verifies the access token with PyJWT against the JWKS fetched over HTTP. */
export const VERIFY_PY = `
import json, sys
import jwt
token, jwks_uri, issuer, audience = sys.argv[1:5]
signing_key = jwt.PyJWKClient(jwks_uri).get_signing_key_from_jwt(token)
claims = jwt.decode(token, signing_key.key, algorithms=["ES256", "RS256"], audience=audience, issuer=issuer,
                    options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]})
print(json.dumps({"header": jwt.get_unverified_header(token), "claims": claims, "kid": signing_key.key_id}))
`;

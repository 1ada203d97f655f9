import { type KeyObject, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, importX509, jwtVerify, SignJWT } from 'jose';
import * as pkijs from 'pkijs';

/**
 * What a straightforward implementation with well-known libraries does per
 * token: pkijs CertificateChainValidationEngine over the x5c chain (trusted
 * root; intermediate and device, leaf last as pkijs requires; checkDate now),
 * jose.importX509 of the device certificate, jose.jwtVerify of the assertion
 * (signature, `aud`, `exp`), jose.SignJWT of an access token with a P-256
 * key. No storage, replay or binding checks: the comparison point for the
 * project's pipeline, not a replacement.
 */
export function naiveTokenIssuer(options: { root: Uint8Array; audience: string; issuer: string; alg: 'RS256' | 'ES256'; signingKey: KeyObject }) {
  // The trust store is read once, as the root repeats for every device of a pool.
  const trusted = pkijs.Certificate.fromBER(new Uint8Array(options.root));
  return async (assertion: string): Promise<string> => {
    const { x5c } = decodeProtectedHeader(assertion);
    if (!x5c || x5c.length === 0) throw new Error('naive: no x5c');
    const chain = x5c.map((der) => pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(der, 'base64'))));
    const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: [trusted], certs: [...chain].reverse(), checkDate: new Date() });
    const validation = await engine.verify();
    if (!validation.result) throw new Error(`naive: chain refused: ${validation.resultMessage}`);
    const deviceKey = await importX509(`-----BEGIN CERTIFICATE-----\n${x5c[0]}\n-----END CERTIFICATE-----`, options.alg);
    const { payload } = await jwtVerify(assertion, deviceKey, { audience: options.audience, algorithms: [options.alg] });
    return new SignJWT({ client_id: payload.iss, scope: 'device' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'bench-local-p256' })
      .setIssuer(options.issuer)
      .setSubject(String(payload.sub))
      .setAudience(options.issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti(randomUUID())
      .sign(options.signingKey);
  };
}

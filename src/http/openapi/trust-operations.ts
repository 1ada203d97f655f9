import type { Operations } from './admin-operations';
import { API_KEY_SECURITY, adminRefusals, JSON_MEDIA_TYPE, jsonResponse, NO_CONTENT, ref, type SchemaName } from './responses';
import type { RequestBodyObject } from './types';

const POOL = '/api/internal/{clientPoolId}';
const ADMIN_ONLY = 'an org key is refused (admin key only)';
const NO_POOL = '`pool_not_found`';

type TrustRoute =
  | `${'GET' | 'POST'} ${typeof POOL}/${'certificates' | 'revocations' | 'crls'}`
  | `DELETE ${typeof POOL}/certificates/{fingerprint}`
  | `DELETE ${typeof POOL}/${'revocations' | 'crls'}/{id}`;

function multipart(schema: SchemaName, description: string): RequestBodyObject {
  return { required: true, description, content: { 'multipart/form-data': { schema: ref(schema) } } };
}

/** A pool's roots, revocations and CRLs (docs/contract.md §3.1, §3.4; README "Upload a root CA", "Revoking a device or an intermediate"): admin key only. */
export const TRUST_OPERATIONS: Operations<TrustRoute> = {
  [`POST ${POOL}/certificates`]: {
    operationId: 'uploadRoot',
    summary: 'Trust a root CA in the pool',
    description: 'A certificate with the subject and key of a root the pool trusts replaces it (200) instead of adding another.',
    tags: ['trust'],
    security: API_KEY_SECURITY,
    requestBody: multipart('RootUpload', 'As `curl -F certificate=@root-ca.crt` sends it.'),
    responses: {
      '200': jsonResponse('Already trusted (the same root, or its subject and key): updated.', ref('RootUploaded')),
      '201': jsonResponse('Trusted from the very next token request.', ref('RootUploaded')),
      ...adminRefusals({
        400: 'the rule the file broke, e.g. `pem_required`, `private_key_not_allowed`, `not_a_ca_certificate`, `not_self_signed`, `certificate_expired`, `weak_key`, `multipart_required`',
        403: ADMIN_ONLY,
        404: NO_POOL,
        413: 'file over 64 KiB',
      }),
    },
  },
  [`GET ${POOL}/certificates`]: {
    operationId: 'listRoots',
    summary: "List the pool's roots",
    tags: ['trust'],
    security: API_KEY_SECURITY,
    responses: { '200': jsonResponse('The roots.', ref('RootList')), ...adminRefusals({ 403: ADMIN_ONLY, 404: NO_POOL }) },
  },
  [`DELETE ${POOL}/certificates/{fingerprint}`]: {
    operationId: 'deleteRoot',
    summary: 'Stop trusting a root',
    description: 'By the fingerprint of any version of it; the very next token request chaining to it is refused.',
    tags: ['trust'],
    security: API_KEY_SECURITY,
    responses: {
      '204': NO_CONTENT,
      ...adminRefusals({ 400: '`invalid_fingerprint`', 403: ADMIN_ONLY, 404: `${NO_POOL}, \`certificate_not_found\`` }),
    },
  },
  [`POST ${POOL}/revocations`]: {
    operationId: 'revokeCertificate',
    summary: 'Revoke a device or intermediate certificate',
    description: 'Revoke by PEM: a fingerprint matches that one encoding only. Effective from the very next token request.',
    tags: ['revocation'],
    security: API_KEY_SECURITY,
    requestBody: { required: true, content: { [JSON_MEDIA_TYPE]: { schema: ref('RevocationInput') } } },
    responses: {
      '200': jsonResponse('Already revoked: the stored record (its `matches` extended by a PEM).', ref('Revocation')),
      '201': jsonResponse('Revoked.', ref('Revocation')),
      ...adminRefusals({
        400: '`invalid_json`, `invalid_body`, `fingerprint_or_certificate_required`, `invalid_field`, `invalid_fingerprint`, `pem_required`, `invalid_reason`, `reason_not_allowed`, `cannot_revoke_root`, …',
        403: ADMIN_ONLY,
        404: NO_POOL,
        413: 'body over 64 KiB',
        415: 'not JSON',
      }),
    },
  },
  [`GET ${POOL}/revocations`]: {
    operationId: 'listRevocations',
    summary: "List the pool's revocations",
    tags: ['revocation'],
    security: API_KEY_SECURITY,
    responses: { '200': jsonResponse('The revocations.', ref('RevocationList')), ...adminRefusals({ 403: ADMIN_ONLY, 404: NO_POOL }) },
  },
  [`DELETE ${POOL}/revocations/{id}`]: {
    operationId: 'liftRevocation',
    summary: 'Lift a revocation',
    tags: ['revocation'],
    security: API_KEY_SECURITY,
    responses: {
      '204': NO_CONTENT,
      ...adminRefusals({ 400: '`invalid_revocation_id`', 403: ADMIN_ONLY, 404: `${NO_POOL}, \`revocation_not_found\`` }),
    },
  },
  [`POST ${POOL}/crls`]: {
    operationId: 'uploadCrl',
    summary: "Upload a CA's CRL",
    description: "Must verify with its issuer's key, chain to a root of the pool and be newer than the stored one of that issuer.",
    tags: ['revocation'],
    security: API_KEY_SECURITY,
    requestBody: multipart('CrlUpload', 'As `curl -F crl=@crl.pem [-F issuer=@intermediate-ca.crt]` sends it.'),
    responses: {
      '201': jsonResponse('Stored; its entries are refused from the very next token request.', ref('CrlImported')),
      ...adminRefusals({
        400: 'the rule the CRL or the form broke, e.g. `crl_malformed`, `crl_bad_signature`, `crl_issuer_untrusted`, `crl_not_newer`, `crl_expired`, `missing_crl_field`, `multipart_required`',
        403: ADMIN_ONLY,
        404: NO_POOL,
        413: '`file_too_large` (CRL over 2 MiB, issuer over 64 KiB), `payload_too_large`, `crl_too_large`',
      }),
    },
  },
  [`GET ${POOL}/crls`]: {
    operationId: 'listCrls',
    summary: "List the pool's current CRLs",
    tags: ['revocation'],
    security: API_KEY_SECURITY,
    responses: { '200': jsonResponse('One current CRL per issuer.', ref('CrlList')), ...adminRefusals({ 403: ADMIN_ONLY, 404: NO_POOL }) },
  },
  [`DELETE ${POOL}/crls/{id}`]: {
    operationId: 'deleteCrl',
    summary: 'Remove a CRL',
    tags: ['revocation'],
    security: API_KEY_SECURITY,
    responses: {
      '204': NO_CONTENT,
      ...adminRefusals({ 400: '`invalid_crl_id`', 403: ADMIN_ONLY, 404: `${NO_POOL}, \`crl_not_found\`` }),
    },
  },
};

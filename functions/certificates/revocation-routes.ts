import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '../../src/errors';
import type { AuthenticatedContext } from '../../src/http/middlewares';
import { parseMultipart } from '../../src/http/multipart';
import { bodyBytes, header, jsonBody, mediaType, pathParameter } from '../../src/http/request';
import { json, noContent } from '../../src/http/responses';
import type { RouteHandlers } from '../../src/http/router';
import type { RouteKeyServedBy } from '../../src/http/routes';
import { requireAdmin } from '../../src/usecases/authenticate';
import type { CrlUpload, RevocationService } from '../../src/usecases/revocations';

/**
 * docs/contract.md §3.4: a CRL file is at most 2 MiB (the contract asks for at least 1 MiB; a
 * large fleet's CRL lists tens of thousands of serials, ~40 bytes each). The
 * issuer part holds a few certificates. API Gateway base64-encodes multipart
 * bodies and allows 10 MB per request (6 MB reach a Lambda): 2 MiB becomes
 * ~2.8 MB, well inside both.
 */
const MAX_CRL_FILE_BYTES = 2 * 1024 * 1024;
const MAX_ISSUER_FILE_BYTES = 64 * 1024;
const MAX_CRL_BODY_BYTES = MAX_CRL_FILE_BYTES + MAX_ISSUER_FILE_BYTES + 16 * 1024;
/** A revocation carries at most one PEM certificate. */
const MAX_REVOCATION_BODY_BYTES = 64 * 1024;

const REVOCATIONS = '/api/internal/{clientPoolId}/revocations';
const CRLS = '/api/internal/{clientPoolId}/crls';

/** The certificates function's routes of docs/contract.md §3.4. */
export type RevocationRouteKey = Extract<RouteKeyServedBy<'certificates'>, `${string}/{clientPoolId}/${'revocations' | 'crls'}${string}`>;

export function revocationRoutes(revocations: RevocationService): RouteHandlers<RevocationRouteKey, AuthenticatedContext> {
  return {
    [`POST ${REVOCATIONS}`]: async (event, { principal }) => {
      requireAdmin(principal); // before the body is read: an org key learns 403, never a parsing verdict
      const result = await revocations.revoke(principal, pathParameter(event, 'clientPoolId'), jsonBody(event, MAX_REVOCATION_BODY_BYTES));
      return json(result.created ? 201 : 200, result.revocation);
    },
    [`GET ${REVOCATIONS}`]: async (event, { principal }) => json(200, { revocations: await revocations.list(principal, pathParameter(event, 'clientPoolId')) }),
    [`DELETE ${REVOCATIONS}/{id}`]: async (event, { principal }) => {
      await revocations.lift(principal, pathParameter(event, 'clientPoolId'), pathParameter(event, 'id'));
      return noContent();
    },
    [`POST ${CRLS}`]: async (event, { principal }) => {
      requireAdmin(principal);
      return json(201, await revocations.importCrl(principal, pathParameter(event, 'clientPoolId'), await readCrlUpload(event)));
    },
    [`GET ${CRLS}`]: async (event, { principal }) => json(200, { crls: await revocations.listCrls(principal, pathParameter(event, 'clientPoolId')) }),
    [`DELETE ${CRLS}/{id}`]: async (event, { principal }) => {
      await revocations.deleteCrl(principal, pathParameter(event, 'clientPoolId'), pathParameter(event, 'id'));
      return noContent();
    },
  };
}

async function readCrlUpload(event: APIGatewayProxyEvent): Promise<CrlUpload> {
  if (mediaType(event) !== 'multipart/form-data') {
    throw new DomainError('multipart_required', 'upload the CRL as multipart/form-data with a file part named "crl" (and optionally "issuer")');
  }
  const parts = await parseMultipart(bodyBytes(event, MAX_CRL_BODY_BYTES), header(event, 'content-type') ?? '', {
    maxFileBytes: MAX_CRL_FILE_BYTES,
    maxFiles: 4,
    maxFields: 8,
    textFields: ['issuer'],
  });
  const crl = parts.filter((part) => part.field === 'crl' && part.filename !== '');
  const issuer = parts.filter((part) => part.field === 'issuer');
  if (crl.length === 0) throw new DomainError('missing_crl_field', 'the form has no file part named "crl"');
  if (crl.length > 1) throw new DomainError('crl_multiple_not_allowed', 'upload exactly one "crl" part');
  if (issuer.length > 1) throw new DomainError('single_issuer_required', 'send at most one "issuer" part');
  if (issuer.length === 1 && issuer[0].data.length > MAX_ISSUER_FILE_BYTES) {
    throw new DomainError('file_too_large', `the issuer part exceeds ${MAX_ISSUER_FILE_BYTES} bytes`);
  }
  return { crl: crl[0].data, ...(issuer.length === 1 ? { issuer: issuer[0].data } : {}) };
}

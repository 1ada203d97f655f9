import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '../../src/errors';
import { adminErrorResponse } from '../../src/http/error-responses';
import { apiHandler } from '../../src/http/handler-chain';
import { type AuthenticatedContext, apiKeyAuth } from '../../src/http/middlewares';
import { parseMultipart } from '../../src/http/multipart';
import { bodyBytes, header, mediaType, pathParameter } from '../../src/http/request';
import { json, noContent } from '../../src/http/responses';
import { createRouter } from '../../src/http/router';
import type { RouteKeyServedBy } from '../../src/http/routes';
import { type ApiKeyAuthenticator, requireAdmin } from '../../src/usecases/authenticate';
import type { CertificateService, UploadedRoot } from '../../src/usecases/certificates';
import type { RevocationService } from '../../src/usecases/revocations';
import { revocationRoutes } from './revocation-routes';

export interface CertificateHandlerDeps {
  authenticator: ApiKeyAuthenticator;
  certificates: CertificateService;
  revocations: RevocationService;
}

/** docs/contract.md §3.1: a root CA file is at most 64 KiB; the whole request a little more for the multipart framing. */
const MAX_CERTIFICATE_FILE_BYTES = 64 * 1024;
const MAX_UPLOAD_BODY_BYTES = MAX_CERTIFICATE_FILE_BYTES + 16 * 1024;

const CERTIFICATES = '/api/internal/{clientPoolId}/certificates';

/** The pool's trust: roots (docs/contract.md §3.1), and revocations and CRLs (docs/contract.md §3.4, ./revocation-routes.ts). */
export function createCertificateHandler({ authenticator, certificates, revocations }: CertificateHandlerDeps) {
  const route = createRouter<RouteKeyServedBy<'certificates'>, AuthenticatedContext>({
    [`POST ${CERTIFICATES}`]: async (event, { principal }) => {
      requireAdmin(principal); // before the body is read: an org key learns 403, never a parsing verdict
      const result = await certificates.upload(principal, pathParameter(event, 'clientPoolId'), await readUpload(event));
      return json(result.created ? 201 : 200, result.body);
    },
    [`GET ${CERTIFICATES}`]: async (event, { principal }) =>
      json(200, { certificates: await certificates.list(principal, pathParameter(event, 'clientPoolId')) }),
    [`DELETE ${CERTIFICATES}/{fingerprint}`]: async (event, { principal }) => {
      await certificates.remove(principal, pathParameter(event, 'clientPoolId'), pathParameter(event, 'fingerprint'));
      return noContent();
    },
    ...revocationRoutes(revocations),
  });

  return apiHandler(route, adminErrorResponse, apiKeyAuth(authenticator));
}

async function readUpload(event: APIGatewayProxyEvent): Promise<UploadedRoot> {
  if (mediaType(event) !== 'multipart/form-data') {
    throw new DomainError('multipart_required', 'upload the certificate as multipart/form-data with a file part named "certificate"');
  }
  const body = bodyBytes(event, MAX_UPLOAD_BODY_BYTES);
  const files = await parseMultipart(body, header(event, 'content-type') ?? '', {
    maxFileBytes: MAX_CERTIFICATE_FILE_BYTES,
    maxFiles: 4,
    maxFields: 8,
  });
  const parts = files.filter((file) => file.field === 'certificate');
  if (parts.length === 0) throw new DomainError('missing_certificate_field', 'the form has no file part named "certificate"');
  if (parts.length > 1) throw new DomainError('single_certificate_required', 'upload exactly one "certificate" part');
  return { filename: parts[0].filename, content: parts[0].data };
}

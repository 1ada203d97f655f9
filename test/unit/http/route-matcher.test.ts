import { matchRoute } from '../../../local/route-matcher';
import { ROUTES, type RouteDefinition } from '../../../src/http/routes';

/* The local stand-in for API Gateway's REST resource matching. */
describe('matchRoute over the real route table', () => {
  const sample = (resource: string) => resource.replace(/\{(\w+)\}/g, (_m, name: string) => `the-${name}`);

  it.each(ROUTES.map((route) => [`${route.method} ${route.resource}`, route] as const))('routes %s to its own function', (_name, route) => {
    const match = matchRoute(route.method, sample(route.resource));
    expect(match).toEqual({
      found: {
        route,
        pathParameters: Object.fromEntries([...route.resource.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, `the-${name}`])),
      },
    });
  });

  it('reads /api/internal/org as the organisation collection, never as a clientPoolId', () => {
    expect(matchRoute('POST', '/api/internal/org')).toEqual({
      found: { route: { method: 'POST', resource: '/api/internal/org', function: 'admin' }, pathParameters: {} },
    });
    expect(matchRoute('GET', '/api/internal/org')).toEqual({ methodNotAllowed: true });
  });

  it('sends certificate routes to the certificates function and token routes to the token function', () => {
    const fn = (method: string, path: string) => {
      const match = matchRoute(method, path);
      return 'found' in match ? match.found.route.function : undefined;
    };
    expect(fn('POST', '/api/internal/pool-abc/certificates')).toBe('certificates');
    expect(fn('DELETE', `/api/internal/pool-abc/certificates/${'a'.repeat(64)}`)).toBe('certificates');
    expect(fn('POST', '/pools/pool-abc/oauth2/token')).toBe('token');
    expect(fn('GET', '/pools/pool-abc/.well-known/jwks.json')).toBe('token');
    expect(fn('POST', '/api/internal/org/acme/env/prod/device/d1/app')).toBe('admin');
  });

  it('answers 405 (methodNotAllowed) when the path exists with other methods', () => {
    expect(matchRoute('PUT', '/api/internal/org')).toEqual({ methodNotAllowed: true });
    expect(matchRoute('DELETE', '/api/internal/org/acme/env/prod')).toEqual({ methodNotAllowed: true });
    expect(matchRoute('PUT', '/api/internal/org/acme/env/prod/device/d1')).toEqual({ methodNotAllowed: true });
    expect(matchRoute('GET', '/pools/p/oauth2/token')).toEqual({ methodNotAllowed: true });
  });

  it('answers 404 (notFound) for paths no resource matches', () => {
    for (const path of ['/', '/api', '/api/internal', '/api/internal/org/acme', '/api/internal/org/acme/env/prod/extra/x', '/pools/p/oauth2', '/nothing']) {
      expect([path, matchRoute('GET', path)]).toEqual([path, { notFound: true }]);
    }
  });

  it('never matches a variable to an empty segment (double or trailing slashes)', () => {
    expect(matchRoute('POST', '/api/internal/org//env')).toEqual({ notFound: true });
    expect(matchRoute('GET', '/api/internal//certificates')).toEqual({ notFound: true });
    expect(matchRoute('POST', '/api/internal/org/')).toEqual({ notFound: true });
  });

  it('keeps path parameters URL-encoded, as API Gateway does', () => {
    expect(matchRoute('GET', '/api/internal/org/a%20b/env/c%2Fd')).toMatchObject({ found: { pathParameters: { orgId: 'a%20b', envId: 'c%2Fd' } } });
  });

  it('is case-sensitive on static segments and methods', () => {
    expect(matchRoute('POST', '/API/internal/org')).toEqual({ notFound: true });
    expect(matchRoute('post', '/api/internal/org')).toEqual({ methodNotAllowed: true });
  });
});

describe('matchRoute precedence (static beats variable, leftmost first)', () => {
  const withRoutes = (routes: RouteDefinition[]) => {
    let match!: typeof matchRoute;
    jest.isolateModules(() => {
      jest.doMock('../../../src/http/routes', () => ({ ROUTES: routes }));
      ({ matchRoute: match } = require('../../../local/route-matcher'));
    });
    return match;
  };
  const variable: RouteDefinition = { method: 'GET', resource: '/api/internal/{clientPoolId}', function: 'certificates' };
  const fixed: RouteDefinition = { method: 'GET', resource: '/api/internal/org', function: 'admin' };

  afterEach(() => jest.dontMock('../../../src/http/routes'));

  it('prefers the static segment whichever order the table lists them in', () => {
    for (const routes of [
      [variable, fixed],
      [fixed, variable],
    ]) {
      expect(withRoutes(routes)('GET', '/api/internal/org')).toEqual({ found: { route: fixed, pathParameters: {} } });
      expect(withRoutes(routes)('GET', '/api/internal/pool-1')).toEqual({ found: { route: variable, pathParameters: { clientPoolId: 'pool-1' } } });
    }
  });

  it('decides at the leftmost differing segment', () => {
    const left: RouteDefinition = { method: 'GET', resource: '/a/static/{x}', function: 'admin' };
    const right: RouteDefinition = { method: 'GET', resource: '/a/{y}/static', function: 'token' };
    for (const routes of [
      [left, right],
      [right, left],
    ]) {
      expect(withRoutes(routes)('GET', '/a/static/static')).toEqual({ found: { route: left, pathParameters: { x: 'static' } } });
    }
  });
});

import { ROUTES, type RouteDefinition } from '../src/http/routes';

interface MatchedRoute {
  route: RouteDefinition;
  pathParameters: Record<string, string>;
}

export type RouteMatch = { found: MatchedRoute } | { methodNotAllowed: true } | { notFound: true };

/**
 * API Gateway REST semantics: a static segment beats a `{variable}` at the same
 * depth (so `/api/internal/org` is never read as a clientPoolId), and a variable
 * matches exactly one non-empty segment. Parameters keep their URL encoding,
 * like API Gateway's.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split('/').slice(1);
  let best: { route: RouteDefinition; params: Record<string, string>; score: string } | undefined;
  let pathMatched = false;
  for (const route of ROUTES) {
    const template = route.resource.split('/').slice(1);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let score = '';
    const matches = template.every((part, i) => {
      if (part.startsWith('{')) {
        if (segments[i] === '') return false;
        params[part.slice(1, -1)] = segments[i];
        score += '0';
        return true;
      }
      score += '1';
      return part === segments[i];
    });
    if (!matches) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    if (!best || score > best.score) best = { route, params, score };
  }
  if (best) return { found: { route: best.route, pathParameters: best.params } };
  return pathMatched ? { methodNotAllowed: true } : { notFound: true };
}

import { HttpError } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One line of a route table. GET routes answer HEAD too. */
export interface RouteSpec {
  /** Stable id for logs and metrics labels. */
  id: string;
  method: Method;
  /** `/webhook`, or with parameters: `/functions/:name`, `/get-agent/:agent_id`. */
  path: string;
  /** Allowed values of a parameter (whole raw segment); a path that fails one is not this route. */
  params?: Record<string, RegExp>;
}

export interface RouteMatch<R> {
  route: R;
  /** Raw path segments by parameter name. */
  params: Record<string, string>;
}

interface PathEntry<R> {
  /** Method -> route; HEAD maps to the GET route. */
  byMethod: Map<string, R>;
  allow: string[];
}

interface PatternEntry<R> extends PathEntry<R> {
  /** Literal segments as strings, parameters as { name, test }. */
  segments: (string | { name: string; test?: RegExp })[];
}

/**
 * Method + path -> route, with the 404 and 405 answers built from the same table (so the list a
 * 404 prints, and `serve --help`, cannot drift from what is served). Literal paths are one Map
 * lookup; parameterised paths are compared segment by segment. One trailing slash is ignored.
 */
export class RouteTable<R extends RouteSpec> {
  private readonly literal = new Map<string, PathEntry<R>>();
  private readonly patterns: PatternEntry<R>[] = [];

  constructor(
    readonly routes: readonly R[],
    /** Who answers, for the 404 text: "serve answers POST /webhook, ...". */
    private readonly serviceName: string,
  ) {
    for (const route of routes) {
      const entry = route.path.includes('/:') ? this.pattern(route) : this.literalEntry(route.path);
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      for (const method of methods) {
        if (entry.byMethod.has(method)) throw new Error(`route table: ${method} ${route.path} is declared twice`);
        entry.byMethod.set(method, route);
        entry.allow.push(method);
      }
    }
  }

  /** The route for a request, or an HttpError: 404 naming the path and the routes, 405 with Allow. */
  match(method: string, path: string): RouteMatch<R> {
    const clean = path.length > 1 && path.charCodeAt(path.length - 1) === 47 /* / */ ? path.slice(0, -1) : path;
    const entry = this.literal.get(clean);
    if (entry) return { route: this.pick(entry, method, clean), params: {} };
    if (this.patterns.length) {
      const parts = clean.split('/');
      for (const pattern of this.patterns) {
        const params = matchSegments(pattern.segments, parts);
        if (params) return { route: this.pick(pattern, method, clean), params };
      }
    }
    throw new HttpError(404, `no route for ${path}; ${this.serviceName} answers ${this.describe().join(', ')}`, { code: 'not_found' });
  }

  /** `POST /functions/<name>` per route, in table order (HEAD is implied by GET and not listed). */
  describe(): string[] {
    return describeRoutes(this.routes);
  }

  private pick(entry: PathEntry<R>, method: string, path: string): R {
    const route = entry.byMethod.get(method);
    if (route) return route;
    throw new HttpError(405, `${method} is not allowed on ${path}; use ${entry.allow.join(' or ')}`, { code: 'method_not_allowed', headers: { allow: entry.allow.join(', ') } });
  }

  private literalEntry(path: string): PathEntry<R> {
    let entry = this.literal.get(path);
    if (!entry) this.literal.set(path, (entry = { byMethod: new Map(), allow: [] }));
    return entry;
  }

  private pattern(route: R): PatternEntry<R> {
    const existing = this.patterns.find((p) => patternKey(p.segments) === patternKey(parsePattern(route)));
    if (existing) return existing;
    const entry: PatternEntry<R> = { segments: parsePattern(route), byMethod: new Map(), allow: [] };
    this.patterns.push(entry);
    return entry;
  }
}

/** Route lines for help text and 404s: `:name` shows as `<name>`. */
export function describeRoutes(routes: readonly Pick<RouteSpec, 'method' | 'path'>[]): string[] {
  return routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '<$1>')}`);
}

function parsePattern(route: RouteSpec): PatternEntry<RouteSpec>['segments'] {
  return route.path.split('/').map((segment) => (segment.startsWith(':') ? { name: segment.slice(1), test: route.params?.[segment.slice(1)] } : segment));
}

function patternKey(segments: PatternEntry<RouteSpec>['segments']): string {
  return segments.map((s) => (typeof s === 'string' ? s : `:${s.name}:${s.test?.source ?? ''}`)).join('/');
}

function matchSegments(segments: PatternEntry<RouteSpec>['segments'], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (typeof segment === 'string') {
      if (segment !== part) return undefined;
    } else {
      if (part === '' || (segment.test && !segment.test.test(part))) return undefined;
      (params ??= {})[segment.name] = part;
    }
  }
  return params ?? {};
}

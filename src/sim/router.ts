// A small method + path-template router. Route modules register handlers with `{name}` params.
import type { SimRequest, SimResponse } from "./http.ts";
import type { SimContext } from "./context.ts";

export type Handler = (req: SimRequest, sim: SimContext) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  /** The template as registered, e.g. `/repos/{owner}/{repo}/issues/{issue_number}`. */
  template: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export interface RouteMatch {
  template: string;
  params: Record<string, string>;
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  on(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      // `{path}` (contents) and `{ref}` (git refs like heads/a/b) may span slashes.
      return name === "path" || name === "ref" ? "(.+)" : "([^/]+)";
    });
    this.#routes.push({ method, template, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  get = (t: string, h: Handler): this => this.on("GET", t, h);
  post = (t: string, h: Handler): this => this.on("POST", t, h);
  patch = (t: string, h: Handler): this => this.on("PATCH", t, h);
  put = (t: string, h: Handler): this => this.on("PUT", t, h);
  delete = (t: string, h: Handler): this => this.on("DELETE", t, h);

  /**
   * Finds the route for a request. When several templates match (`/issues/comments` and
   * `/issues/{issue_number}`), the one with the fewest parameters wins, as literal beats variable.
   */
  match(method: string, path: string): RouteMatch | undefined {
    let best: { route: Route; m: RegExpExecArray } | undefined;
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (!best || route.names.length < best.route.names.length || isMoreLiteral(route, best.route)) {
        best = { route, m };
      }
    }
    if (!best) return undefined;
    const { route, m } = best;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { template: route.template, params, handler: route.handler };
  }

  /** Every registered `METHOD template`, for the contract test. */
  list(): { method: string; template: string }[] {
    return this.#routes.map(({ method, template }) => ({ method, template }));
  }
}

/**
 * With as many parameters, the template with more literal text wins, so a greedy `{ref}` in
 * `/commits/{ref}` does not swallow `/commits/{ref}/status`.
 */
function isMoreLiteral(route: Route, best: Route): boolean {
  if (route.names.length !== best.names.length) return false;
  const literal = (template: string): number => template.replace(/\{\w+\}/g, "").length;
  return literal(route.template) > literal(best.template);
}

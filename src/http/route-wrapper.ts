import type { RouteHandler } from "./context.ts";
import type { Counter, HttpMetrics } from "./metrics.ts";
import type { RouteLabels } from "./route-labels.ts";

/** A handler that answers a request in place of its route, or undefined to let the route serve it. */
export type Takeover = (request: Request) => RouteHandler | undefined;

/** What `app.wrap` takes: Elysia's handler for the request, and the request; returns what serves it. */
export type Wrapper = (route: RouteHandler, request: Request) => RouteHandler;

/** Counts one answer: the request, its method (read once per request) and the status answered. */
type Count = (request: Request, method: string, status: number) => void;

/**
 * The one higher-order function around every route's handler (`app.wrap`). It gives `takeover` the
 * first look at each request (the ArangoDB dialect's `x-arango-async`, which may queue it instead),
 * and counts each answer as it leaves its route.
 *
 * Elysia calls it on every request, with the route's handler. Bun's router gives each route a handler
 * of its own (and the request its `params`), so a route's template is looked up on its first request
 * and kept with the handler, with the counter of the last method and status it answered: counting a
 * request is then a comparison and an increment. The one handler behind `app.handle` and the paths
 * Bun does not route (CloudSigma's trailing-slash URLs) looks the template up on every request, and
 * leaves out a request passed on to another (`HttpMetrics.passOn`), which is counted instead.
 *
 * An after-response hook would count the same, but Elysia runs it through `setImmediate` for each
 * request and compiles every route around it.
 */
export function routeWrapper(labels: RouteLabels, metrics: HttpMetrics, takeover: Takeover): Wrapper {
  const wrapped = new WeakMap<RouteHandler, RouteHandler>();
  return (route, request) => {
    let handler = wrapped.get(route);
    if (!handler) {
      const count: Count =
        (request as { params?: unknown }).params !== undefined
          ? oneRouteCount(labels.of(request.method, request.url), metrics)
          : (req, method, status) => {
              if (!metrics.passedOn(req)) metrics.count(method, labels.of(method, req.url), status);
            };
      handler = served(route, takeover, count);
      wrapped.set(route, handler);
    }
    return handler;
  };
}

function served(route: RouteHandler, takeover: Takeover, count: Count): RouteHandler {
  const finish = (request: Request, method: string, answer: Response): Response => {
    count(request, method, answer.status);
    return method === "HEAD" ? withHeaders(answer) : answer;
  };
  return (request) => {
    const instead = takeover(request);
    if (instead) return instead(request);
    const method = request.method;
    const res = route(request);
    return res instanceof Promise ? res.then((answer) => finish(request, method, answer)) : finish(request, method, res);
  };
}

/**
 * A kept answer's content type is its Blob's (json-memo.ts): Bun writes it out with the body, so an
 * answer to HEAD, which has none, would go without it. Reading the headers fills it in.
 */
export function withHeaders(response: Response): Response {
  void response.headers;
  return response;
}

/** Counting for one route's template: the counter of its last method and status is kept. */
function oneRouteCount(template: string, metrics: HttpMetrics): Count {
  let method = "";
  let status = 0;
  let counter: Counter | undefined;
  return (_request, m, answered) => {
    if (counter === undefined || answered !== status || m !== method) {
      method = m;
      status = answered;
      counter = metrics.counter(m, template, answered);
    }
    counter.n++;
  };
}

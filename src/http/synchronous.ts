/**
 * Marks route handlers that never return a promise, so that Elysia compiles their routes synchronous.
 *
 * Elysia decides from a handler's source text whether to compile the route as an `async` function:
 * any `return f(` or `=> f(` in it counts as async (and Bun's transpiler turns `const x = f(); return
 * x` into `return f()`). An async route answers through a promise, which costs a status read about
 * 1 µs of ~13. This gives each handler a source text that reads the same to Elysia's other checks
 * (which context keys it uses) but without the pattern: one more space after such a `return` or `=>`.
 *
 * Only for handlers that throw or return at once. A promise that always settles to a Response is fine
 * too (Elysia maps it when it settles); one that may reject is not, since the rejection would miss
 * the surface's error hook. tests/http/synchronous.test.ts checks that the read routes compile so.
 */
export function synchronousRoutes(
  plugin: { routes: readonly { method: string; path: string; handler: unknown }[] },
  routes: readonly (readonly [method: string, path: string])[],
): void {
  for (const [method, path] of routes) {
    const route = plugin.routes.find((r) => r.method === method && r.path === path);
    if (!route || typeof route.handler !== "function") throw new Error(`no route ${method} ${path} to mark synchronous`);
    // Only where the pattern is: a block body's `=> {` must stay as it is for Elysia to read the handler.
    const source = Function.prototype.toString.call(route.handler).replace(/(return|=>)(\s?)(?=\S+\()/g, "$1$2 ");
    Object.defineProperty(route.handler, "toString", { value: () => source });
  }
}

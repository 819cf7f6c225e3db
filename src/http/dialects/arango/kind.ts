/**
 * The `arango.request` kind, registered when the app is created. Its request actor replays the stored
 * request through the whole app (`ctx.handle`, see replay.ts), so it is served by jobd's own routes,
 * or by the upstream when jobd has no route for it and `--upstream` is set (the gateway does that part).
 */
import {
  ARANGO_REQUEST_MACHINE_VERSION,
  arangoRequestMachine,
  checkArangoRequest,
  requestActor,
} from "../../../../machines/index.ts";
import type { SurfaceContext } from "../../context.ts";
import { ARANGO_KIND } from "./entries.ts";
import { replayThrough } from "./replay.ts";

export function registerArangoKind(ctx: SurfaceContext): void {
  ctx.engine.kinds.register({
    name: ARANGO_KIND,
    work: arangoRequestMachine.provide({ actors: { request: requestActor(replayThrough(ctx)) } }),
    version: ARANGO_REQUEST_MACHINE_VERSION,
    inProcess: true,
    // The request may not be idempotent: a restart mid-request fails the job rather than send it twice.
    interruptPolicy: "fail",
    defaultMaxAttempts: 1,
    checkInput: checkArangoRequest,
  });
}

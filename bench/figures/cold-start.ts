/** Figure 7: the compiled binary's cold start on a fresh database, with its size. */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../lib/context.ts";
import { against, type Section } from "../lib/report.ts";
import { removeDb } from "../lib/seeds.ts";
import { startBaseline, startJobd } from "../lib/servers.ts";
import { fmt } from "../lib/stats.ts";

export async function coldStartFigure(ctx: BenchContext): Promise<Section> {
  ctx.say("figure 7: cold start");
  const jobd: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    const db = join(ctx.work, `cold-${r}.db`);
    removeDb(db);
    const a = await startBaseline(ctx.baselineBin, ctx.cores.server);
    bare.push(a.readyMs);
    await a.stop();
    const b = await startJobd(ctx.jobdBin, db, ctx.cores.server);
    jobd.push(b.readyMs);
    await b.stop();
    removeDb(db);
  }
  const size = statSync(ctx.jobdBin).size;
  const baseSize = statSync(ctx.baselineBin).size;
  return {
    id: "7",
    title: "Cold start of the compiled binary",
    how:
      "Time from exec to the first 200 (from /readyz, polled every ms) on a database file that does not exist yet " +
      "(so it includes creating it and running the migrations). Baseline: the bare Elysia server of figures 1-2, " +
      `compiled the same way, to its first 200. Sizes: jobd ${fmt(size / 2 ** 20, 1)} MiB, baseline ${fmt(baseSize / 2 ** 20, 1)} MiB ` +
      "(most of both is the Bun runtime itself).",
    rows: [
      against(`exec → first 200 (binary ${fmt(size / 2 ** 20, 1)} MiB)`, jobd, "ms", { label: "bare Elysia binary", values: bare }),
    ],
    notes: [],
  };
}

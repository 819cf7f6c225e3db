/**
 * The `make dist` binary for a target, as the tests should see it: JOBD_DIST_DIR when set (CI that
 * ran `make dist`), else dist/jobd-<target> when it is newer than every source, else a fresh build
 * into tests/artifacts/dist/ with the same script `make dist` uses.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildBinary } from "../../scripts/build.ts";
import { ROOT } from "../../scripts/bun-runtime.ts";
import type { DistTarget } from "../../scripts/targets.ts";

function newestSource(): number {
  let newest = 0;
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  // What `make dist` rebuilds on (the Makefile's SOURCES and BUILD).
  const inputs = ["src", "machines", "package.json", "package-lock.json", "scripts/build.ts", "scripts/bun-runtime.ts", "scripts/targets.ts"];
  for (const path of inputs) walk(join(ROOT, path));
  return newest;
}

const fresh = (file: string, since: number): boolean => existsSync(file) && statSync(file).mtimeMs >= since;

export function distBinary(target: DistTarget): string {
  const name = `jobd-${target.name}`;
  if (process.env.JOBD_DIST_DIR) {
    const file = join(process.env.JOBD_DIST_DIR, name);
    if (!existsSync(file)) throw new Error(`JOBD_DIST_DIR has no ${name}`);
    return file;
  }
  const since = newestSource();
  const made = join(ROOT, "dist", name);
  if (fresh(made, since)) return made;
  const built = join(ROOT, "tests", "artifacts", "dist", name);
  if (fresh(built, since)) return built;
  return buildBinary({ target, outfile: built, quiet: true });
}

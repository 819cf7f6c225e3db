/**
 * Compiles jobd into one executable, stamped with its version, commit, target and build date
 * (src/version.ts reads them).
 *
 *   bun scripts/build.ts native [--outfile dist/jobd]    this machine's platform (make build)
 *   bun scripts/build.ts linux-arm64 … [--outdir dist]   dist/jobd-<target> (make dist)
 *   bun scripts/build.ts sums [--outdir dist]            dist/SHA256SUMS over every dist target
 *
 * Cross targets run on Bun's runtime from its per-platform npm package (scripts/bun-runtime.ts).
 * SOURCE_DATE_EPOCH, when set, fixes the build date (reproducible builds).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, runtimeFor } from "./bun-runtime.ts";
import { DIST_TARGETS, distTarget, hostTarget, type DistTarget } from "./targets.ts";

export interface Stamp {
  version: string;
  commit: string;
  buildDate: string;
  target: string;
}

function git(args: string[]): string | null {
  const result = Bun.spawnSync(["git", ...args], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  return result.exitCode === 0 ? result.stdout.toString().trim() : null;
}

/** The commit (with `-dirty` when tracked files differ from it), or "unknown" outside a git checkout. */
export function buildCommit(): string {
  const head = git(["rev-parse", "--short=12", "HEAD"]);
  if (!head) return "unknown";
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]);
  return dirty ? `${head}-dirty` : head;
}

export function buildDate(env: Record<string, string | undefined> = process.env): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function stampFor(target: string): Stamp {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  return { version: pkg.version, commit: buildCommit(), buildDate: buildDate(), target };
}

/** `--define` flags for src/version.ts. */
export function defines(stamp: Stamp): string[] {
  const pairs: [string, string][] = [
    ["JOBD_VERSION", stamp.version],
    ["JOBD_COMMIT", stamp.commit],
    ["JOBD_BUILD_DATE", stamp.buildDate],
    ["JOBD_TARGET", stamp.target],
    // A production build: the bundler takes each library's production files (XState's development
    // build prints warnings as plain text beside the JSON log), and Elysia starts Bun.serve without
    // its development mode.
    ["process.env.NODE_ENV", "production"],
  ];
  return pairs.flatMap(([name, value]) => ["--define", `${name}=${JSON.stringify(value)}`]);
}

/**
 * Builds one executable. `target` undefined: this machine's platform with the running Bun.
 * - A server binary must not change behaviour with the directory it starts in, so the executable does
 *   not read .env or bunfig.toml from its working directory.
 * - Whitespace and syntax are minified, identifiers are not: renamed identifiers change how Elysia's
 *   TypeBox schemas validate (numeric query bounds were silently dropped), so the binary would
 *   accept input the in-process app refuses.
 * - The code ships precompiled to JavaScriptCore bytecode (ESM, for main.ts's top-level await): about
 *   9 MiB more, and the start to the first 200 takes less than half as long, which matters most on
 *   the slow CPUs of edge boxes.
 */
export function buildBinary(options: { target?: DistTarget; outfile: string; quiet?: boolean }): string {
  const { target, outfile } = options;
  const stamp = stampFor(target?.name ?? hostTarget()?.name ?? `${process.platform}-${process.arch}`);
  const cross = target ? [`--target=${target.bunTarget}`, `--compile-executable-path=${runtimeFor(target)}`] : [];
  mkdirSync(dirname(outfile), { recursive: true });
  const cmd = [
    process.execPath, "build", "--compile", "--minify-syntax", "--minify-whitespace", "--sourcemap", "--bytecode", "--format=esm",
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
    ...cross, ...defines(stamp),
    // The WAL checkpointer runs in a Worker; a compiled worker must be an entrypoint of its own.
    join(ROOT, "src", "main.ts"), join(ROOT, "src", "checkpoint-worker.ts"), "--outfile", outfile,
  ];
  const result = Bun.spawnSync(cmd, { cwd: ROOT, stdout: options.quiet ? "pipe" : "inherit", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`bun build failed for ${stamp.target}: ${result.stderr.toString().trim()}`);
  // The source map is embedded in the executable; the side file would only tempt people to ship two files.
  if (target) rmSync(`${outfile}.map`, { force: true });
  if (!options.quiet) console.log(`built ${relative(process.cwd(), outfile)} (${stamp.target}, ${stamp.version}, ${stamp.commit}, ${stamp.buildDate})`);
  return outfile;
}

export function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** SHA256SUMS in the format `sha256sum -c` reads. */
export function writeSums(outdir: string): string {
  const lines = DIST_TARGETS.map((t) => {
    const file = join(outdir, `jobd-${t.name}`);
    if (!existsSync(file)) throw new Error(`${file} is missing: build every target first (make dist)`);
    return `${sha256(file)}  jobd-${t.name}\n`;
  });
  const out = join(outdir, "SHA256SUMS");
  writeFileSync(out, lines.join(""));
  return out;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { outdir: { type: "string" }, outfile: { type: "string" } },
    allowPositionals: true,
  });
  const outdir = values.outdir ?? join(ROOT, "dist");
  try {
    if (positionals.length === 0) throw new Error("name a target: native, sums or one of " + DIST_TARGETS.map((t) => t.name).join(", "));
    for (const name of positionals) {
      if (name === "native") buildBinary({ outfile: values.outfile ?? join(outdir, "jobd") });
      else if (name === "sums") console.log(`wrote ${relative(process.cwd(), writeSums(outdir))}`);
      else buildBinary({ target: distTarget(name), outfile: join(outdir, `jobd-${name}`) });
    }
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

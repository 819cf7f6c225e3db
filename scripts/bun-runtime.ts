/**
 * The Bun runtime a cross-compiled jobd is built on, taken from Bun's per-platform npm package.
 *
 * package-lock.json already pins every one of them (they are optional dependencies of the `bun`
 * package, with version and sha512 integrity), but npm installs only the one for this machine. This
 * fetches the others with `npm pack` from the registry npm is configured for (or npm's own cache when
 * offline), checks the tarball against the lockfile's integrity and keeps `bin/bun` in
 * node_modules/.cache/jobd-runtimes/. `bun build` is never left to download a runtime itself.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DistTarget } from "./targets.ts";
import { hostTarget } from "./targets.ts";

export const ROOT = join(import.meta.dir, "..");
const CACHE = join(ROOT, "node_modules", ".cache", "jobd-runtimes");

interface LockEntry {
  version?: string;
  integrity?: string;
}

function lockEntry(name: string): LockEntry {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages?: Record<string, LockEntry> };
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`package-lock.json does not pin ${name} (version and integrity)`);
  return entry;
}

/** The Bun version package.json pins; every runtime must be exactly this one. */
export function pinnedBunVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
  const wanted = pkg.devDependencies?.bun;
  if (!wanted || !/^\d+\.\d+\.\d+$/.test(wanted)) throw new Error(`package.json must pin bun to an exact version, not ${wanted}`);
  const locked = lockEntry("bun").version;
  if (locked !== wanted) throw new Error(`package-lock.json has bun ${locked}, package.json pins ${wanted}: run npm install`);
  return wanted;
}

function sha512(file: string): string {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

function run(cmd: string[], cwd: string): string {
  const result = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed (${result.exitCode}): ${result.stderr.toString().trim()}`);
  return result.stdout.toString();
}

/** The path of the `bun` executable for `target`, fetched and verified on first use. */
export function runtimeFor(target: DistTarget): string {
  const version = pinnedBunVersion();
  const { version: locked, integrity } = lockEntry(target.runtimePackage);
  if (locked !== version) throw new Error(`package-lock.json pins ${target.runtimePackage} ${locked}, not bun ${version}`);
  // The running bun is that very package's binary when the target is this machine.
  if (hostTarget()?.name === target.name && Bun.version === version) return process.execPath;

  const dir = join(CACHE, `${target.runtimePackage.replace("/", "+")}-${version}`);
  const bin = join(dir, "bun");
  const stamp = join(dir, "integrity");
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, "utf8") === integrity) return bin;

  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, ".fetch-"));
  try {
    run(["npm", "pack", `${target.runtimePackage}@${version}`, "--prefer-offline", "--loglevel=error", "--pack-destination", work], work);
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${target.runtimePackage}@${version} left no tarball`);
    const got = sha512(join(work, tarball));
    if (got !== integrity) throw new Error(`${target.runtimePackage}@${version}: integrity ${got} does not match package-lock.json (${integrity})`);
    run(["tar", "-xzf", tarball, "package/bin/bun"], work);
    chmodSync(join(work, "package", "bin", "bun"), 0o755);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, "package", "bin", "bun"), bin);
    writeFileSync(stamp, integrity);
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  // `bun scripts/bun-runtime.ts linux-arm64` prints the runtime's path.
  const { distTarget } = await import("./targets.ts");
  for (const name of process.argv.slice(2)) console.log(runtimeFor(distTarget(name)));
}

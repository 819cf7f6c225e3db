/** The platforms `make dist` builds for: one file each, named `jobd-<target>`. */
export interface DistTarget {
  /** The name in the file (`dist/jobd-linux-arm64`), in `jobd version` and in SHA256SUMS. */
  name: string;
  /** `bun build --compile --target=…` */
  bunTarget: string;
  /** Bun's npm package holding that platform's runtime (`bin/bun`). */
  runtimePackage: string;
  arch: "x64" | "arm64";
  libc: "glibc" | "musl";
}

export const DIST_TARGETS: readonly DistTarget[] = [
  { name: "linux-x64", bunTarget: "bun-linux-x64", runtimePackage: "@oven/bun-linux-x64", arch: "x64", libc: "glibc" },
  { name: "linux-x64-musl", bunTarget: "bun-linux-x64-musl", runtimePackage: "@oven/bun-linux-x64-musl", arch: "x64", libc: "musl" },
  { name: "linux-arm64", bunTarget: "bun-linux-arm64", runtimePackage: "@oven/bun-linux-aarch64", arch: "arm64", libc: "glibc" },
  { name: "linux-arm64-musl", bunTarget: "bun-linux-arm64-musl", runtimePackage: "@oven/bun-linux-aarch64-musl", arch: "arm64", libc: "musl" },
];

export function distTarget(name: string): DistTarget {
  const target = DIST_TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown target ${JSON.stringify(name)}; one of ${DIST_TARGETS.map((t) => t.name).join(", ")}`);
  return target;
}

/** The libc this process runs on (Linux only; glibc reports its version, musl does not). */
export function hostLibc(): "glibc" | "musl" {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? "glibc" : "musl";
}

/** The dist target this machine can run natively, if it is one of them. */
export function hostTarget(): DistTarget | undefined {
  if (process.platform !== "linux") return undefined;
  return DIST_TARGETS.find((t) => t.arch === process.arch && t.libc === hostLibc());
}

/**
 * Runs ARM64 Linux binaries on this machine: natively on an arm64 host, otherwise under QEMU's
 * user-mode emulator with Debian's aarch64 C library as the sysroot. On a fresh Debian/Ubuntu machine
 * (CI) it installs both with apt-get when it is root and `install` is set; when it cannot, it says why
 * (the ARM64 test then skips with that reason).
 */
import { existsSync } from "node:fs";

export type Emulator = { prefix: string[]; how: string } | { skip: string };

const SYSROOT = "/usr/aarch64-linux-gnu";
const LOADER = `${SYSROOT}/lib/ld-linux-aarch64.so.1`;
const PACKAGES = ["qemu-user-static", "libc6-arm64-cross"];

const qemu = (): string | null => Bun.which("qemu-aarch64-static") ?? Bun.which("qemu-aarch64");

function apt(args: string[]): { ok: boolean; out: string } {
  const result = Bun.spawnSync(["apt-get", ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { ok: result.exitCode === 0, out: `${result.stdout.toString()}${result.stderr.toString()}`.trim().split("\n").slice(-3).join(" | ") };
}

function install(): string | null {
  if (!Bun.which("apt-get")) return "qemu-user-static is missing and this machine has no apt-get to install it";
  if (process.getuid?.() !== 0) return `qemu-user-static is missing and installing it needs root (apt-get install ${PACKAGES.join(" ")})`;
  const args = ["install", "-y", "-q", "--no-install-recommends", ...PACKAGES];
  let result = apt(args);
  if (!result.ok) {
    // A fresh machine may have no package lists yet.
    apt(["update", "-q"]);
    result = apt(args);
  }
  return result.ok ? null : `apt-get install ${PACKAGES.join(" ")} failed: ${result.out}`;
}

export function arm64Emulator(options: { install: boolean }): Emulator {
  if (process.platform !== "linux") return { skip: `ARM64 Linux binaries cannot run on ${process.platform}` };
  if (process.arch === "arm64") return { prefix: [], how: "natively (arm64 host)" };
  if (!qemu() || !existsSync(LOADER)) {
    if (!options.install) return { skip: `no qemu-aarch64 with an aarch64 sysroot (apt-get install ${PACKAGES.join(" ")})` };
    const failed = install();
    if (failed) return { skip: failed };
  }
  const bin = qemu();
  if (!bin || !existsSync(LOADER)) return { skip: `apt-get installed ${PACKAGES.join(" ")} but ${bin ? LOADER : "qemu-aarch64"} is still missing` };
  // Cortex-A53: ARMv8.0-A without the later atomics, the oldest core of the common 64-bit boards
  // (Raspberry Pi 3 and Zero 2 W). An instruction it lacks would stop the binary with SIGILL.
  return { prefix: [bin, "-cpu", "cortex-a53", "-L", SYSROOT], how: `under ${bin.split("/").pop()} -cpu cortex-a53 (user-mode emulation)` };
}

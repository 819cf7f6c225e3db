/**
 * When jobd is PID 1 (the first process of a container), orphaned processes that other tools leave
 * behind (`docker exec`, a health-check script) are re-parented to it, and nobody else will collect
 * their exit status: they stay zombies. The kernel's init duty is ours then: reap any exited child.
 *
 * jobd itself starts no processes, so waiting on "any child" takes no exit status anyone else needs.
 */
import { dlopen, FFIType } from "bun:ffi";

const WNOHANG = 1; // the same value on every Linux architecture

/** The C library that is already loaded: glibc on most distributions, musl on Alpine. */
const LIBC_NAMES = ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`, `ld-musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`];

type Waitpid = (pid: number, status: null, options: number) => number;

function loadWaitpid(): Waitpid | null {
  for (const name of LIBC_NAMES) {
    try {
      const lib = dlopen(name, { waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 } });
      return lib.symbols.waitpid as Waitpid;
    } catch {
      // try the next name
    }
  }
  return null;
}

export interface Reaper {
  /** How many children it has reaped so far. */
  readonly reaped: number;
  stop(): void;
}

/**
 * Starts reaping when this process is PID 1 on Linux; returns null otherwise (or when libc cannot be
 * reached, which `onUnavailable` hears about). Reaps on SIGCHLD and, in case a signal was coalesced
 * or missed, once every `sweepMs`.
 */
export function reapChildrenIfInit(
  options: { sweepMs?: number; onUnavailable?: (why: string) => void; force?: boolean } = {},
): Reaper | null {
  if (process.platform !== "linux" || (process.pid !== 1 && !options.force)) return null;
  const waitpid = loadWaitpid();
  if (!waitpid) {
    options.onUnavailable?.("cannot load waitpid from the C library; run jobd under an init such as tini (docker run --init)");
    return null;
  }
  let reaped = 0;
  const reap = () => {
    // > 0: a child was collected; 0: children remain but none has exited; -1: no children at all.
    while (waitpid(-1, null, WNOHANG) > 0) reaped++;
  };
  process.on("SIGCHLD", reap);
  const timer = setInterval(reap, options.sweepMs ?? 5_000);
  timer.unref();
  reap();
  return {
    get reaped() {
      return reaped;
    },
    stop() {
      process.off("SIGCHLD", reap);
      clearInterval(timer);
    },
  };
}

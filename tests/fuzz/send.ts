import { describeRequest, toRequest, type FuzzRequest } from "./requests.ts";

/** How long one request may take: nothing the fuzzer sends should wait (its long polls are short). */
const HANG_MS = 5_000;

/** Runs per property: FUZZ_RUNS scales the suite up for a long local session. */
export const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env.FUZZ_RUNS_FACTOR ?? "1")));

/** fast-check settings: FUZZ_SEED replays a failing run. */
export const fcOptions = (numRuns: number) => ({
  numRuns: runs(numRuns),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

/**
 * Sends one request through the app and reads the whole answer. Throws (failing the property, which
 * fast-check then shrinks) on a 5xx, a crash, or an answer that does not come.
 */
export async function send(handle: (request: Request) => Promise<Response>, r: FuzzRequest): Promise<number | null> {
  const request = toRequest(r);
  if (!request) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms: ${describeRequest(r)}`)), HANG_MS);
  });
  try {
    const response = await Promise.race([handle(request), hang]);
    if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) await response.body?.cancel();
    else await Promise.race([response.arrayBuffer(), hang]);
    if (response.status >= 500) throw new Error(`${response.status} for ${describeRequest(r)}`);
    return response.status;
  } finally {
    clearTimeout(timer);
  }
}

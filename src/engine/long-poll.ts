/**
 * Waits until one of the listeners `listen` sets up calls `done`, `waitMs` passes, or `signal`
 * aborts, whichever comes first. `listen` returns the functions that remove its listeners.
 */
export function longPoll(waitMs: number, signal: AbortSignal, listen: (done: () => void) => (() => void)[]): Promise<void> {
  if (signal.aborted || waitMs <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    let offs: (() => void)[] = [];
    let over = false;
    const done = () => {
      if (over) return;
      over = true;
      for (const off of offs) off();
      signal.removeEventListener("abort", done);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    signal.addEventListener("abort", done);
    offs = listen(done);
    // A listener may have fired while being set up.
    if (over) for (const off of offs) off();
  });
}

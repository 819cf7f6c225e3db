import { startCheckpointThread } from "../checkpoint-thread.ts";

/**
 * Runs WAL checkpoints off the main thread (src/checkpoint-worker.ts). The store tells it about
 * commits; it checkpoints shortly after, on its own connection, while the main thread goes on serving.
 * If the thread cannot start or fails, `running` turns false and the store checkpoints itself in idle
 * moments, as before; SQLite's own automatic checkpoint still bounds the WAL either way.
 */
export class Checkpointer {
  private worker: Worker | null = null;
  /** A commit was reported since the worker's last checkpoint: no need to tell it again. */
  private told = false;
  /** Checkpoints the thread has run, and the frames in the WAL after the last one. */
  checkpoints = 0;
  walFrames = 0;

  constructor(path: string, onError: (message: string) => void) {
    try {
      const worker = startCheckpointThread();
      worker.addEventListener("message", (event: MessageEvent) => {
        const data = event.data as { frames?: number; error?: string };
        if (data.error) onError(data.error);
        if (data.frames !== undefined) {
          this.checkpoints++;
          this.walFrames = data.frames;
          this.told = false;
        }
      });
      worker.addEventListener("error", (event) => {
        onError(`checkpointer stopped: ${(event as ErrorEvent).message}`);
        this.worker = null;
      });
      worker.postMessage({ path });
      // The thread never keeps jobd alive on its own.
      (worker as unknown as { unref?: () => void }).unref?.();
      this.worker = worker;
    } catch (error) {
      onError(`checkpointer did not start: ${String(error)}`);
    }
  }

  get running(): boolean {
    return this.worker !== null;
  }

  committed(): void {
    if (!this.worker || this.told) return;
    this.told = true;
    this.worker.postMessage("commit");
  }

  /** The thread closes its connection and ends (the last connection to close removes the WAL). */
  close(): void {
    this.worker?.postMessage("close");
    this.worker = null;
  }
}

/**
 * Starts the WAL checkpointer thread (src/checkpoint-worker.ts, see src/store/checkpointer.ts).
 * Both files sit beside main.ts on purpose: in the compiled binary every entrypoint lives at the root
 * of the embedded file system and a worker URL resolves against it, so a path relative to this
 * directory is the same in the binary and when running from source.
 */
export const startCheckpointThread = (): Worker => new Worker(new URL("./checkpoint-worker.ts", import.meta.url));

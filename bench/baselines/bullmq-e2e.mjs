// BullMQ peer for figure 3: adds (N in flight) and a no-op Worker (concurrency N) in one Node
// process, for a fixed time; counts jobs completed inside the window.
// Usage: node bench/baselines/bullmq-e2e.mjs --port P --concurrency N --seconds S --data JSON [--warmup S]
// Prints one JSON line: { completed, adds, seconds, perSecond }.
import { Queue, Worker } from "bullmq";
import { bullmqArgs } from "./bullmq-args.mjs";

const values = bullmqArgs();
const concurrency = values.concurrency;
const connection = { host: "127.0.0.1", port: values.port, maxRetriesPerRequest: null };
const data = values.data;
const name = `bench-e2e-${process.pid}`;
const queue = new Queue(name, { connection });
let completed = 0;
const worker = new Worker(name, async () => {}, { connection, concurrency });
worker.on("completed", () => completed++);
await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);

let adding = true;
let adds = 0;
const producers = Array.from({ length: concurrency }, async () => {
  while (adding) {
    await queue.add("job", data);
    adds++;
  }
});

await new Promise((r) => setTimeout(r, values.warmup * 1000));
const from = completed;
const addsFrom = adds;
const started = performance.now();
await new Promise((r) => setTimeout(r, values.seconds * 1000));
const seconds = (performance.now() - started) / 1000;
const done = completed - from;
const added = adds - addsFrom;
adding = false;
await Promise.all(producers);
await worker.close(true);
await queue.close();
console.log(JSON.stringify({ completed: done, adds: added, seconds, perSecond: done / seconds }));

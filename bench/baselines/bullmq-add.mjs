// BullMQ peer for figure 1: queue.add with N adds in flight for a fixed time, on Node.
// Usage: node bench/baselines/bullmq-add.mjs --port P --concurrency N --seconds S --data JSON [--warmup S]
// Prints one JSON line: { adds, seconds, perSecond }.
import { Queue } from "bullmq";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    concurrency: { type: "string", default: "50" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    data: { type: "string", default: "{}" },
  },
});
const connection = { host: "127.0.0.1", port: Number(values.port) };
const data = JSON.parse(values.data);
const queue = new Queue(`bench-add-${process.pid}`, { connection });
await queue.waitUntilReady();

async function drive(ms) {
  const until = performance.now() + ms;
  let adds = 0;
  const loop = async () => {
    while (performance.now() < until) {
      await queue.add("job", data);
      adds++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Number(values.concurrency) }, loop));
  return { adds, seconds: (performance.now() - started) / 1000 };
}

await drive(Number(values.warmup) * 1000);
const { adds, seconds } = await drive(Number(values.seconds) * 1000);
await queue.close();
console.log(JSON.stringify({ adds, seconds, perSecond: adds / seconds }));

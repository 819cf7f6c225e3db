// BullMQ peer for figure 1: queue.add with N adds in flight for a fixed time, on Node.
// Usage: node bench/baselines/bullmq-add.mjs --port P --concurrency N --seconds S --data JSON [--warmup S]
// Prints one JSON line: { adds, seconds, perSecond }.
import { Queue } from "bullmq";
import { bullmqArgs } from "./bullmq-args.mjs";

const values = bullmqArgs();
const connection = { host: "127.0.0.1", port: values.port };
const data = values.data;
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
  await Promise.all(Array.from({ length: values.concurrency }, loop));
  return { adds, seconds: (performance.now() - started) / 1000 };
}

await drive(values.warmup * 1000);
const { adds, seconds } = await drive(values.seconds * 1000);
await queue.close();
console.log(JSON.stringify({ adds, seconds, perSecond: adds / seconds }));

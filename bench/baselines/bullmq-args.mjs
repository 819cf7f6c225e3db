// The command line both BullMQ peers take: --port P --concurrency N --seconds S --data JSON [--warmup S].
import { parseArgs } from "node:util";

export function bullmqArgs() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      concurrency: { type: "string", default: "50" },
      seconds: { type: "string", default: "3" },
      warmup: { type: "string", default: "1" },
      data: { type: "string", default: "{}" },
    },
  });
  return {
    port: Number(values.port),
    concurrency: Number(values.concurrency),
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
    data: JSON.parse(values.data),
  };
}

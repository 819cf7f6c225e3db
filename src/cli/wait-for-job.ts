import { isFinished, type JobView } from "../job-view.ts";
import { jobPath, type Client } from "./client.ts";

/** Long-polls the server until the job has finished (the server holds each poll up to 30 s). */
export async function waitForJob(client: Client, id: string): Promise<JobView> {
  for (;;) {
    const job = await client.get<JobView>(jobPath(id, "/wait?timeout=30000"));
    if (isFinished(job.state)) return job;
  }
}

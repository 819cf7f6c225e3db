// Migrations are embedded in the binary as text; their number is their order.
import m0001 from "./0001_init.sql" with { type: "text" };
import m0002 from "./0002_webhooks.sql" with { type: "text" };
import m0003 from "./0003_queued_due.sql" with { type: "text" };
import m0004 from "./0004_birth_snapshots.sql" with { type: "text" };
import m0005 from "./0005_input_free_snapshots.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, name: "init", sql: m0001 },
  { version: 2, name: "webhooks", sql: m0002 },
  { version: 3, name: "queued-due", sql: m0003 },
  { version: 4, name: "birth-snapshots", sql: m0004 },
  { version: 5, name: "input-free-snapshots", sql: m0005 },
];

export type { JobRecord } from "./job-record.ts";
export { stillDamaged } from "./job-record.ts";
export type { CheckpointStatus, JobFilter, SnapshotSource, Store } from "./store.ts";
export { SqliteStore } from "./sqlite-store.ts";
export { schemaVersion } from "./db.ts";
export { backupDatabase, type BackupInfo } from "./backup.ts";
export { MIGRATIONS } from "./migrations/index.ts";

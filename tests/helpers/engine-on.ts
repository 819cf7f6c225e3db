import { Engine, type EngineOptions } from "../../src/engine/index.ts";
import { SqliteStore } from "../../src/store/index.ts";

/**
 * A store on the database file at `path` and an engine on it, booted, with deadlines fired by hand
 * (no timer). The caller closes both.
 */
export function engineOn(path: string, options: Partial<EngineOptions> = {}): { store: SqliteStore; engine: Engine } {
  const store = new SqliteStore(path);
  const engine = new Engine({ store, autoTick: false, ...options });
  engine.boot();
  return { store, engine };
}

export { Engine, type CreateOptions, type EngineOptions } from "./engine.ts";
export { ManualClock, systemClock, type Clock } from "./clock.ts";
export type { EngineEvents } from "./bus.ts";
export type { HttpClient } from "./kinds.ts";

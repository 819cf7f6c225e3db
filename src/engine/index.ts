export { Engine, type CreateOptions, type EngineOptions } from "./engine.ts";
export { ManualClock, systemClock, type Clock } from "./clock.ts";
export type { EngineEvents } from "./bus.ts";
export type { HttpClient } from "./kinds.ts";
export { findOpenPrompt, type JobTreeReader } from "./open-prompt.ts";
export { Leases } from "./leases.ts";
export { LEASE_LIMITS, type LeaseRequest, type HeartbeatRequest, type PromptRequest, type PromptOutcome, type WorkerStatus } from "./lease-types.ts";

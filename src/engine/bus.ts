import type { JobRecord } from "../store/index.ts";
import type { Transition } from "../job-view.ts";

/** Engine notifications, `noun:verb`. Emitting never throws into the engine. */
export interface EngineEvents {
  "job:created": { job: JobRecord };
  "job:transition": { job: JobRecord; transition: Transition };
  "job:progress": { job: JobRecord };
  "job:finished": { job: JobRecord };
  "job:deleted": { id: string; namespace: string; state: string; type: string };
  "job:queued": { job: JobRecord };
  "store:commit": { size: number; ms: number };
}

type Listener<K extends keyof EngineEvents> = (payload: EngineEvents[K]) => void;

export class Bus {
  private listeners = new Map<keyof EngineEvents, Set<Listener<never>>>();
  onError: (error: unknown, event: keyof EngineEvents) => void = () => {};

  on<K extends keyof EngineEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof EngineEvents>(event: K, payload: EngineEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }

  count(event: keyof EngineEvents): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

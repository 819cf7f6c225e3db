/**
 * The demo jobs behind the CentriQS job names. They are `script` jobs: they walk the posted entities,
 * report progress, and ask the question the CentriQS docs show, so a CentriQS client can be tried
 * against jobd with nothing else installed. Map the names to real workers through the job table.
 *
 * - DuplicateEntities: per entity, progress and a short pause; the first two entities cannot be
 *   duplicated and it asks about each: "Can not duplicate the problem 'Task1'. Continue?".
 * - ExtractFromArchEntities, PutToArchEntities: per entity, progress and a short pause.
 * - TaskShifting: one sub-job per entity; the first one asks "Can not shift the task 'Task1'. Continue?".
 * - DatabaseDataRefresh: twenty progress steps; takes no data.
 * An entity job posted an empty `InitialIds` starts and then fails: there is nothing to do.
 * Every question offers Yes / Yes to All / No and takes No after five minutes without an answer.
 */
import type { JobSpec } from "../../../job-view.ts";
import { parseGuid } from "./ids.ts";
import type { DatabasesJob, DatabasesJobParts } from "./config.ts";

/** The `script` kind's steps used here (machines/script.ts describes them; http does not import machines). */
type ScriptStep =
  | { progress: number; message: string }
  | { sleep: number }
  | { prompt: string; buttons: string[]; default: number; timeoutMs: number }
  | { fail: { code: string; message: string } };

export const DEMO_STEP_MS = 150;
export const DEMO_QUESTION_TIMEOUT_MS = 5 * 60_000;
export const MAX_ENTITIES = 500;
const BUTTONS = ["Yes", "Yes to All", "No"];
const NO = 2;

const question = (prompt: string): ScriptStep => ({ prompt, buttons: BUTTONS, default: NO, timeoutMs: DEMO_QUESTION_TIMEOUT_MS });
const percent = (done: number, total: number): number => Math.floor((done * 100) / total);

/** `DuplicatedFields`, `EntityMetaName`, `InitialIds` (required), `Comment`: the DuplicateEntities data. */
function checkEntities(body: Record<string, unknown>): string | null {
  const { InitialIds, EntityMetaName, DuplicatedFields, Comment } = body;
  if (!Array.isArray(InitialIds)) return "InitialIds must be an array of GUIDs";
  if (InitialIds.length > MAX_ENTITIES) return `InitialIds holds at most ${MAX_ENTITIES} ids`;
  if (InitialIds.some((id) => typeof id !== "string" || !parseGuid(id))) return "InitialIds must be an array of GUIDs";
  if (EntityMetaName !== undefined && (typeof EntityMetaName !== "string" || EntityMetaName.length > 100))
    return "EntityMetaName must be a string of at most 100 characters";
  if (DuplicatedFields !== undefined && (!Array.isArray(DuplicatedFields) || DuplicatedFields.some((f) => typeof f !== "string")))
    return "DuplicatedFields must be an array of strings";
  if (Comment !== undefined && typeof Comment !== "string") return "Comment must be a string";
  return null;
}

/** `task` + 1 → `Task1`: the entity names the questions use. */
function entityNames(body: Record<string, unknown>): string[] {
  const meta = typeof body.EntityMetaName === "string" && body.EntityMetaName !== "" ? body.EntityMetaName : "entity";
  const label = meta.charAt(0).toUpperCase() + meta.slice(1);
  const ids = Array.isArray(body.InitialIds) ? body.InitialIds : [];
  return ids.map((_, i) => `${label}${i + 1}`);
}

const nothingToDo = (verb: string, body: Record<string, unknown>): DatabasesJobParts => ({
  input: { steps: [{ fail: { code: "NOTHING_TO_DO", message: `InitialIds is empty: there is nothing to ${verb}` } }], body },
});

function entityJob(verb: string, doing: string, asks: (name: string, i: number) => string | null): DatabasesJob {
  return {
    kind: "script",
    check: checkEntities,
    build: (body) => {
      const names = entityNames(body);
      if (names.length === 0) return nothingToDo(verb, body);
      const steps = names.flatMap((name, i): ScriptStep[] => {
        const ask = asks(name, i);
        return [{ progress: percent(i, names.length), message: `${doing} ${name}` }, { sleep: DEMO_STEP_MS }, ...(ask ? [question(ask)] : [])];
      });
      steps.push({ progress: 100, message: `${names.length} of ${names.length} done` });
      return { input: { steps, body } };
    },
  };
}

const taskShifting: DatabasesJob = {
  kind: "script",
  check: checkEntities,
  build: (body) => {
    const names = entityNames(body);
    if (names.length === 0) return nothingToDo("shift", body);
    const children = names.map(
      (name, i): JobSpec => ({
        type: "TaskShifting.Task",
        kind: "script",
        description: `shift ${name}`,
        input: {
          steps: [
            { progress: 0, message: `Shifting ${name}` },
            { sleep: DEMO_STEP_MS },
            ...(i === 0 ? [question(`Can not shift the task '${name}'. Continue?`)] : []),
            { progress: 100, message: `Shifted ${name}` },
          ],
        },
      }),
    );
    // The parent does no work of its own: its progress is the mean of its sub-jobs'.
    return { input: { steps: [], body }, children };
  },
};

const dataRefresh: DatabasesJob = {
  kind: "script",
  build: (body) => ({
    input: {
      steps: Array.from({ length: 20 }, (_, i): ScriptStep[] => [
        { progress: i * 5, message: `Refreshing data (${i + 1} of 20)` },
        { sleep: DEMO_STEP_MS },
      ]).flat(),
      body,
    },
  }),
};

export const DEMO_DATABASES_JOBS: Record<string, DatabasesJob> = {
  DuplicateEntities: entityJob("duplicate", "Duplicating", (name, i) => (i < 2 ? `Can not duplicate the problem '${name}'. Continue?` : null)),
  ExtractFromArchEntities: entityJob("extract", "Extracting", () => null),
  PutToArchEntities: entityJob("put to the archive", "Archiving", () => null),
  DatabaseDataRefresh: dataRefresh,
  TaskShifting: taskShifting,
};

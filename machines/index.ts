/**
 * The registry of built-in kinds: the only door from src/ into machines/.
 * Each kind names its work machine, its version (stored beside every snapshot), whether its work runs
 * inside jobd, and what a restart does to an attempt that was running when jobd stopped.
 */
import type { AnyActorLogic } from "xstate";
import { externalMachine, EXTERNAL_MACHINE_VERSION } from "./external.ts";
import { httpMachine, HTTP_MACHINE_VERSION } from "./http.ts";
import { JOB_MACHINE_VERSION, jobMachine } from "./job.ts";
import { scriptMachine, SCRIPT_MACHINE_VERSION } from "./script.ts";

export interface KindDefinition {
  name: string;
  work: AnyActorLogic;
  version: number;
  /** Work runs inside jobd (an actor stays in memory while it works); otherwise a worker leases it. */
  inProcess: boolean;
  interruptPolicy: "rerun" | "fail";
  defaultMaxAttempts: number;
  /** A short reason when the input cannot run; null when it can. Pure. */
  checkInput: (input: unknown) => string | null;
}

const checkScript = (input: unknown): string | null => {
  if (input === undefined || input === null) return null;
  if (typeof input !== "object" || Array.isArray(input)) return "script input must be an object";
  const { steps, cancel } = input as { steps?: unknown; cancel?: unknown };
  if (cancel !== undefined && cancel !== "honour" && cancel !== "ignore") return "cancel must be honour or ignore";
  if (steps === undefined) return null;
  if (!Array.isArray(steps)) return "steps must be an array";
  for (const [i, step] of steps.entries()) {
    if (!step || typeof step !== "object" || Array.isArray(step)) return `step ${i} must be an object`;
    const s = step as Record<string, unknown>;
    if ("progress" in s) {
      if (typeof s.progress !== "number" || s.progress < 0 || s.progress > 100) return `step ${i}: progress must be 0..100`;
    } else if ("sleep" in s) {
      if (typeof s.sleep !== "number" || s.sleep < 0 || s.sleep > 86_400_000) return `step ${i}: sleep must be 0..86400000 ms`;
    } else if ("prompt" in s) {
      if (typeof s.prompt !== "string") return `step ${i}: prompt must be a string`;
      if (!Array.isArray(s.buttons) || s.buttons.length === 0 || s.buttons.some((b) => typeof b !== "string"))
        return `step ${i}: buttons must be a non-empty array of strings`;
      if (s.default !== undefined && (typeof s.default !== "number" || !Number.isInteger(s.default) || s.default < 0 || s.default >= s.buttons.length))
        return `step ${i}: default must be a button index`;
    } else if ("fail" in s) {
      const f = s.fail as Record<string, unknown> | null;
      if (!f || typeof f !== "object" || typeof f.code !== "string" || typeof f.message !== "string")
        return `step ${i}: fail must be {code, message}`;
    } else if (!("succeed" in s)) {
      return `step ${i}: unknown step (progress, sleep, prompt, succeed or fail)`;
    }
  }
  return null;
};

// A header name is an RFC 9110 token; a value may not hold NUL, CR or LF, nor anything past Latin-1
// (fetch would throw on either at run time, after the job was accepted).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_HEADER_VALUE = /[\0\r\n]|[^\0-\xff]/;
const MAX_HTTP_TIMEOUT_MS = 86_400_000;

const checkHttp = (input: unknown): string | null => {
  if (!input || typeof input !== "object" || Array.isArray(input)) return "http input must be an object with a url";
  const { url, method, headers, body, timeoutMs } = input as Record<string, unknown>;
  if (typeof url !== "string") return "url must be a string";
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "url must be http or https";
  } catch {
    return "url is not a valid URL";
  }
  if (method !== undefined && (typeof method !== "string" || !/^[A-Za-z]{1,16}$/.test(method))) return "method must be 1-16 letters (GET, POST…)";
  if (headers !== undefined) {
    if (!headers || typeof headers !== "object" || Array.isArray(headers)) return "headers must be an object of header names to strings";
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) return `headers: ${JSON.stringify(name)} is not a valid header name`;
      if (typeof value !== "string") return `headers.${name} must be a string`;
      if (BAD_HEADER_VALUE.test(value)) return `headers.${name} must not hold NUL, CR, LF or characters past U+00FF`;
    }
  }
  const verb = typeof method === "string" ? method.toUpperCase() : "GET";
  if (body !== undefined && body !== null && (verb === "GET" || verb === "HEAD")) return `body is not allowed with ${verb} (use POST, PUT…)`;
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_HTTP_TIMEOUT_MS))
    return `timeoutMs must be 1..${MAX_HTTP_TIMEOUT_MS} ms`;
  return null;
};

export const BUILT_IN_KINDS: Record<string, KindDefinition> = {
  script: {
    name: "script",
    work: scriptMachine,
    version: SCRIPT_MACHINE_VERSION,
    inProcess: true,
    interruptPolicy: "rerun",
    defaultMaxAttempts: 1,
    checkInput: checkScript,
  },
  http: {
    name: "http",
    work: httpMachine,
    version: HTTP_MACHINE_VERSION,
    inProcess: true,
    interruptPolicy: "rerun",
    defaultMaxAttempts: 3,
    checkInput: checkHttp,
  },
};

/** Any type no built-in kind claims is done by external workers. */
export const externalKind = (name: string): KindDefinition => ({
  name,
  work: externalMachine,
  version: EXTERNAL_MACHINE_VERSION,
  inProcess: false,
  interruptPolicy: "rerun",
  // Like every kind but http: one attempt unless the job asks for more (`maxAttempts`).
  defaultMaxAttempts: 1,
  checkInput: () => null,
});

export { backoffDelay, JOB_MACHINE_VERSION, jobMachine } from "./job.ts";
export type { ChildEnd, JobContext, JobEvent, JobInput, PromptValue, WorkCommand } from "./job.ts";
export type { ScriptInput, ScriptStep } from "./script.ts";
export type { HttpRequestInput, HttpResponseValue } from "./http.ts";
export { HttpRequestError, httpMachine } from "./http.ts";
export { scriptMachine } from "./script.ts";
export { externalMachine } from "./external.ts";
export {
  ARANGO_REQUEST_MACHINE_VERSION,
  arangoRequestMachine,
  checkArangoRequest,
  requestActor,
} from "./arango-request.ts";
export type { ArangoRequestInput, ArangoResponseValue, RequestRunner } from "./arango-request.ts";

import { createActor, fromPromise, type AnyActorLogic, type AnyStateMachine } from "xstate";
import {
  BUILT_IN_KINDS,
  externalKind,
  HttpRequestError,
  httpMachine,
  JOB_MACHINE_VERSION,
  jobMachine,
  type HttpRequestInput,
  type HttpResponseValue,
  type KindDefinition,
} from "../../machines/index.ts";
import { OutboundRefusedError, requireAllowed, UnresolvedHostError } from "../net/outbound.ts";

export type HttpClient = (request: HttpRequestInput, signal: AbortSignal) => Promise<HttpResponseValue>;

const unresolved = (host: string) => new HttpRequestError("HTTP_UNRESOLVED", `host name did not resolve: ${host}`, true);

/** Throws unless the policy lets jobd call `url`: a refusal as final, a name it could not resolve as retryable. */
async function checkOutbound(allow: (url: URL) => Promise<boolean>, url: URL): Promise<void> {
  try {
    await requireAllowed(allow, url);
  } catch (e) {
    if (e instanceof UnresolvedHostError) throw unresolved(e.host);
    if (e instanceof OutboundRefusedError) throw new HttpRequestError("HTTP_NOT_ALLOWED", e.message, false);
    throw e;
  }
}

/**
 * The default HTTP client for the `http` kind: a fetch with a timeout and the abort signal. A name
 * that does not resolve is `HTTP_UNRESOLVED` (retryable: DNS answers change, and a resolver outage
 * looks the same), whether the policy or fetch found it out.
 */
export const fetchClient =
  (allow: (url: URL) => Promise<boolean>): HttpClient =>
  async (request, signal) => {
    const url = new URL(request.url);
    await checkOutbound(allow, url);
    const timeout = AbortSignal.timeout(request.timeoutMs ?? 30_000);
    const body =
      request.body === undefined || request.body === null
        ? undefined
        : typeof request.body === "string"
          ? request.body
          : JSON.stringify(request.body);
    const response = await fetch(url, {
      method: request.method ?? "GET",
      headers: request.headers,
      body,
      signal: AbortSignal.any([signal, timeout]),
      redirect: "manual",
    }).catch((e: unknown) => {
      throw (e as { code?: unknown } | null)?.code === "ENOTFOUND" ? unresolved(url.hostname) : e;
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), body: parsed };
  };

/**
 * Resolves a kind name to its definition and the lifecycle machine with the kind's work provided.
 * Extra kinds (demo machines, the arango gateway) register here too.
 */
export class KindRegistry {
  private readonly kinds = new Map<string, KindDefinition>();
  private readonly machines = new Map<string, AnyStateMachine>();
  private readonly external = new Map<string, KindDefinition>();

  constructor(httpClient: HttpClient) {
    for (const kind of Object.values(BUILT_IN_KINDS)) this.kinds.set(kind.name, kind);
    const http = this.kinds.get("http");
    if (http) {
      this.kinds.set("http", {
        ...http,
        work: httpMachine.provide({
          actors: {
            request: fromPromise<HttpResponseValue, HttpRequestInput>(({ input, signal }) => httpClient(input, signal)),
          },
        }),
      });
    }
  }

  register(kind: KindDefinition): void {
    this.kinds.set(kind.name, kind);
    this.machines.delete(kind.name);
  }

  isBuiltIn(name: string): boolean {
    return this.kinds.has(name);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }

  get(name: string): KindDefinition {
    const kind = this.kinds.get(name);
    if (kind) return kind;
    let ext = this.external.get(name);
    if (!ext) {
      ext = externalKind(name);
      this.external.set(name, ext);
    }
    return ext;
  }

  machineFor(name: string): AnyStateMachine {
    const key = this.kinds.has(name) ? name : "\0external";
    let machine = this.machines.get(key);
    if (!machine) {
      const work: AnyActorLogic = this.get(name).work;
      machine = jobMachine.provide({ actors: { work } }) as AnyStateMachine;
      this.machines.set(key, machine);
    }
    return machine;
  }

  versionOf(name: string): string {
    return `job@${JOB_MACHINE_VERSION}/${this.kinds.has(name) ? name : "external"}@${this.get(name).version}`;
  }
}

export { createActor };

import { t } from "elysia";

export const BackoffSchema = t.Object(
  {
    type: t.Union([t.Literal("fixed"), t.Literal("exponential")]),
    delayMs: t.Integer({ minimum: 0, maximum: 86_400_000 }),
    maxDelayMs: t.Optional(t.Integer({ minimum: 0, maximum: 86_400_000 })),
  },
  { additionalProperties: false },
);

export const NamespaceSchema = t.String({ minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.:\\-]+$" });

export const JobSpecSchema = t.Recursive(
  (This) =>
    t.Object(
      {
        type: t.String({ minLength: 1, maxLength: 100, description: "the job kind, or an external worker queue" }),
        kind: t.Optional(t.String({ minLength: 1, maxLength: 100, description: "the built-in kind that does the work, when it differs from type" })),
        description: t.Optional(t.String({ maxLength: 1000 })),
        namespace: t.Optional(NamespaceSchema),
        input: t.Optional(t.Unknown()),
        resources: t.Optional(t.Array(t.String({ maxLength: 2000 }), { maxItems: 100 })),
        children: t.Optional(t.Array(This, { maxItems: 1000 })),
        failurePolicy: t.Optional(t.Union([t.Literal("wait-all"), t.Literal("fail-fast"), t.Literal("ignore")])),
        maxAttempts: t.Optional(t.Integer({ minimum: 1, maximum: 100 })),
        backoff: t.Optional(BackoffSchema),
        timeoutMs: t.Optional(t.Integer({ minimum: 1, maximum: 31_536_000_000 })),
        runAt: t.Optional(t.Number({ minimum: 0, maximum: 8_640_000_000_000 })),
        priority: t.Optional(t.Integer({ minimum: -1000, maximum: 1000 })),
        callbackUrl: t.Optional(t.String({ maxLength: 2000, pattern: "^https?://", description: "webhook target" })),
        callbackEvents: t.Optional(t.Union([t.Literal("finished"), t.Literal("transitions")])),
      },
      { additionalProperties: false },
    ),
  { $id: "JobSpec" },
);

export const AnswerSchema = t.Object(
  {
    button: t.Integer({ minimum: 0, maximum: 1000 }),
    prompt: t.Optional(
      t.Integer({ minimum: 0, maximum: 1_000_000, description: "which prompt: the job's answers.length when it asked; makes a retry safe (409 once answered)" }),
    ),
  },
  { additionalProperties: false },
);

export const IdParams = t.Object({ id: t.String({ maxLength: 100 }) });

export const ListQuery = t.Object({
  state: t.Optional(t.String({ maxLength: 200, description: "comma-separated states" })),
  type: t.Optional(t.String({ maxLength: 100 })),
  namespace: t.Optional(t.String({ maxLength: 100 })),
  parent: t.Optional(t.String({ maxLength: 100, description: "a job id, or `none` for root jobs" })),
  text: t.Optional(t.String({ maxLength: 200 })),
  limit: t.Optional(t.String({ maxLength: 20, description: "1 to 1000 (default 50)" })),
  cursor: t.Optional(t.String({ maxLength: 40 })),
});

export const ErrorSchema = t.Object({ error: t.Object({ code: t.String(), message: t.String() }) });

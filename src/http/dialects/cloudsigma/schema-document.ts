import { t } from "elysia";
import { formatTimestamp } from "./job-object.ts";
import { DEFAULT_LIMIT } from "./list-query.ts";

interface FieldSchema {
  blank: boolean;
  default: string;
  help_text: string;
  nullable: boolean;
  readonly: boolean;
  type: string;
  unique: boolean;
}

// tastypie's stock help texts, as CloudSigma's schema dump shows them.
const STRING_HELP = 'Unicode string data. Ex: "Hello World"';
const DATETIME_HELP = 'A date & time as a string. Ex: "2010-11-10T03:07:43"';
const NO_DEFAULT = "No default provided.";

const field = (type: string, help_text: string, extra: Partial<FieldSchema> = {}): FieldSchema => ({
  blank: false,
  default: NO_DEFAULT,
  help_text,
  nullable: false,
  readonly: false,
  type,
  unique: false,
  ...extra,
});

/**
 * What `GET /api/2.0/jobs/schema/` answers: tastypie's description of the job resource, shaped like
 * CloudSigma's dump. Datetime defaults are "now", as tastypie renders them.
 */
export function jobsSchemaDocument(now: number) {
  const stamp = formatTimestamp(now);
  return {
    allowed_detail_http_methods: ["get"],
    allowed_list_http_methods: ["get"],
    default_format: "application/json",
    default_limit: DEFAULT_LIMIT,
    fields: {
      children: field("related", "Background jobs, initiated by this job.", { nullable: true }),
      created: field("datetime", DATETIME_HELP, { default: stamp }),
      data: field("object", "Meta information related to this background job's execution.", { nullable: true }),
      last_modified: field("datetime", DATETIME_HELP, { default: stamp }),
      operation: field("string", STRING_HELP, { nullable: true }),
      resource_uri: field("string", STRING_HELP, { readonly: true }),
      resources: field("list", "Resources linked to this background job.", { nullable: true }),
      state: field("string", STRING_HELP, { default: "started" }),
      uuid: field("string", STRING_HELP, { unique: true }),
    },
    filtering: { state: 1 },
    ordering: ["-last_modified"],
  };
}

const FieldSchemaSchema = t.Object({
  blank: t.Boolean(),
  default: t.String(),
  help_text: t.String(),
  nullable: t.Boolean(),
  readonly: t.Boolean(),
  type: t.String(),
  unique: t.Boolean(),
});

export const SchemaDocumentSchema = t.Object({
  allowed_detail_http_methods: t.Array(t.String()),
  allowed_list_http_methods: t.Array(t.String()),
  default_format: t.String(),
  default_limit: t.Integer(),
  fields: t.Record(t.String(), FieldSchemaSchema),
  filtering: t.Record(t.String(), t.Integer({ description: "1: every lookup allowed (tastypie ALL)" })),
  ordering: t.Array(t.String()),
});

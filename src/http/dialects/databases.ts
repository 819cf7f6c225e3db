/** Dialect 002, the CentriQS Web API jobs: see ./databases/ and docs/dialects/databases.md. */
export { databasesDialect } from "./databases/routes.ts";

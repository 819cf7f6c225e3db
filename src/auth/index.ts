export { Authenticator, type CredentialForm } from "./authenticator.ts";
export { canSee, canWrite, LOCAL_ADMIN, parseTokens, requireDistinctTokens, visibleNamespaces, type Principal, type Role } from "./principal.ts";

export { Authenticator, type CredentialForm } from "./authenticator.ts";
export { canSee, canWrite, LOCAL_ADMIN, parseTokens, visibleNamespaces, type Principal, type Role } from "./principal.ts";

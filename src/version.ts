// Replaced at build time by `bun build --define`; the fallbacks serve `bun src/main.ts`.
declare const JOBD_VERSION: string | undefined;
declare const JOBD_COMMIT: string | undefined;
declare const JOBD_BUILD_DATE: string | undefined;
declare const JOBD_TARGET: string | undefined;

export const VERSION = typeof JOBD_VERSION === "string" ? JOBD_VERSION : "0.1.0-dev";
export const COMMIT = typeof JOBD_COMMIT === "string" ? JOBD_COMMIT : "unknown";
export const BUILD_DATE = typeof JOBD_BUILD_DATE === "string" ? JOBD_BUILD_DATE : "unknown";
export const TARGET = typeof JOBD_TARGET === "string" ? JOBD_TARGET : `${process.platform}-${process.arch}`;

import { BUILD_DATE, COMMIT, TARGET, VERSION } from "../version.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";

export const version: Command = {
  name: "version",
  summary: "Print the version, commit, target and build date.",
  args: "",
  options: { json: { type: "boolean", help: "print {version, commit, target, buildDate}" }, ...HELP },
  async run(argv) {
    const p = parse(version, argv, { min: 0, max: 0 });
    if (flag(p, "json")) printJson({ version: VERSION, commit: COMMIT, target: TARGET, buildDate: BUILD_DATE });
    else print(`jobd ${VERSION} (commit ${COMMIT}, ${TARGET}, built ${BUILD_DATE})`);
    return EXIT.OK;
  },
};

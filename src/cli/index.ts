import { BUILD_DATE, COMMIT, TARGET, VERSION } from "../version.ts";
import { serve } from "./serve.ts";

const USAGE = `Usage: jobd <command> [options]

Commands:
  serve      run the server (jobd serve --help)
  version    print the version`;

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
      return serve(rest);
    case "version":
    case "--version":
      console.log(`jobd ${VERSION} (commit ${COMMIT}, ${TARGET}, built ${BUILD_DATE})`);
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`jobd: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

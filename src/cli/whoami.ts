import type { Principal } from "../auth/index.ts";
import { CLIENT_OPTIONS, clientFrom, JSON_OPTION } from "./client.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";

/** What `GET /api/v1/whoami` answers: the principal without its token. */
type Whoami = Omit<Principal, "token">;

export const whoami: Command = {
  name: "whoami",
  summary: "Print who the token is: its name, role and namespaces.",
  args: "",
  options: { ...JSON_OPTION, ...CLIENT_OPTIONS, ...HELP },
  details: "Without tokens on the server, every caller is `local`, an admin of every namespace (*).",
  async run(argv) {
    const p = parse(whoami, argv, { min: 0, max: 0 });
    const me = await clientFrom(p).get<Whoami>("/api/v1/whoami");
    if (flag(p, "json")) printJson(me);
    else print(`${me.name} (${me.role}), namespaces: ${me.namespaces === "*" ? "*" : me.namespaces.join(", ")}`);
    return EXIT.OK;
  },
};

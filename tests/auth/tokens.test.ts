/** Principals from a tokens file and --token: one token, one principal, or jobd does not start. */
import { describe, expect, test } from "bun:test";
import { Authenticator, parseTokens, type Principal } from "../../src/auth/index.ts";

const READ_TOKEN = "read-token-0123456789abcdef";
const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const entry = (name: string, token: string, role: string) => ({ name, token, namespaces: ["*"], role });
const thrown = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("did not throw");
};

describe("parseTokens", () => {
  test("two entries with the same token are refused, naming both entries but not the token", () => {
    const text = JSON.stringify([entry("grafana", READ_TOKEN, "read"), entry("ci", ADMIN_TOKEN, "write"), entry("ops", READ_TOKEN, "admin")]);
    const message = thrown(() => parseTokens(text));
    expect(message).toBe("tokens[2].token is the same as tokens[0].token; each principal needs its own");
    expect(message).not.toContain(READ_TOKEN);
  });

  test("distinct tokens are accepted, as before", () => {
    const principals = parseTokens(JSON.stringify([entry("grafana", READ_TOKEN, "read"), entry("ops", ADMIN_TOKEN, "admin")]));
    expect(principals.map((p) => p.name)).toEqual(["grafana", "ops"]);
  });

  test("a duplicate name is still refused first", () => {
    const text = JSON.stringify([entry("ops", READ_TOKEN, "read"), entry("ops", READ_TOKEN, "admin")]);
    expect(thrown(() => parseTokens(text))).toBe('tokens[1].name "ops" is used twice');
  });
});

describe("Authenticator", () => {
  const fromFile: Principal = { name: "grafana", token: ADMIN_TOKEN, namespaces: "*", role: "read" };
  const fromFlag: Principal = { name: "admin", token: ADMIN_TOKEN, namespaces: "*", role: "admin" };

  test("refuses a --token that is also a tokens-file entry's token, without printing it", () => {
    const message = thrown(() => new Authenticator([fromFile, fromFlag]));
    expect(message).toBe(
      'principals "grafana" and "admin" have the same token (--token is the principal "admin"); each principal needs its own',
    );
    expect(message).not.toContain(ADMIN_TOKEN);
  });

  test("refuses a tokens-file entry named admin beside --token: one name, one owner", () => {
    const fileAdmin: Principal = { name: "admin", token: READ_TOKEN, namespaces: ["nsa"], role: "write" };
    const message = thrown(() => new Authenticator([fileAdmin, fromFlag]));
    expect(message).toBe('two principals are named "admin" (--token adds the principal admin; rename the file\'s entry); each principal needs its own name');
  });

  test("refuses any two principals sharing a token, whatever their names", () => {
    const a: Principal = { name: "a", token: READ_TOKEN, namespaces: ["x"], role: "read" };
    const b: Principal = { ...a, name: "b", role: "write" };
    expect(thrown(() => new Authenticator([a, b]))).toBe('principals "a" and "b" have the same token; each principal needs its own');
  });

  test("with distinct tokens each token is its own principal", () => {
    const auth = new Authenticator([{ ...fromFile, token: READ_TOKEN }, fromFlag]);
    expect(auth.byToken(READ_TOKEN)?.name).toBe("grafana");
    expect(auth.byToken(ADMIN_TOKEN)?.name).toBe("admin");
  });
});

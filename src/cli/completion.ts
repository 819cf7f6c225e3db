import { HELP, oneOf, parse, type Command, type OptionSpec } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { print } from "./job-output.ts";

const SHELLS = ["bash", "zsh"] as const;

const words = (list: readonly string[]) => list.join(" ");
const flagsOf = (c: Command) => Object.entries(c.options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
const takesFile = (o: OptionSpec) => (o.value ?? "").includes("file") || (o.value ?? "").includes("FILE");

/**
 * bash: one function; for each command, what follows a flag that takes a value, its flags, and its
 * first positional argument (job ids come from `jobd ls -q`, kinds from `jobd machines ls -q`).
 */
export function bashScript(commands: Command[]): string {
  const cases = commands.map((c) => {
    const valued = Object.entries(c.options).filter(([, o]) => o.type === "string");
    const prevCases = valued.map(([name, o]) => {
      const pattern = [`--${name}`, ...(o.short ? [`-${o.short}`] : [])].join("|");
      if (o.choices) return `        ${pattern}) COMPREPLY=( $(compgen -W "${words(o.choices)}" -- "$cur") ); return ;;`;
      if ((o.value ?? "").startsWith("JSON|@")) return `        ${pattern}) _jobd_at_file; return ;;`;
      if (takesFile(o)) return `        ${pattern}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`;
      return `        ${pattern}) return ;;`;
    });
    const valuedFlags = valued.flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
    const first =
      c.complete === "job-id"
        ? `COMPREPLY=( $(compgen -W "$(_jobd_ids)" -- "$cur") )`
        : c.complete === "file"
          ? `COMPREPLY=( $(compgen -f -- "$cur") )`
          : Array.isArray(c.complete)
            ? `COMPREPLY=( $(compgen -W "${words(c.complete as readonly string[])}" -- "$cur") )`
            : ":";
    const second = c.name === "machines" ? `COMPREPLY=( $(compgen -W "$(_jobd_kinds)" -- "$cur") )` : ":";
    return [
      `    ${c.name})`,
      `      case "$prev" in`,
      ...prevCases,
      `      esac`,
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${words(flagsOf(c))}" -- "$cur") ); return; fi`,
      `      _jobd_positionals "${words(valuedFlags)}"`,
      `      if (( npos == 0 )); then ${first}; elif (( npos == 1 )); then ${second}; fi`,
      `      ;;`,
    ].join("\n");
  });
  return `# bash completion for jobd. Install: jobd completion bash > /etc/bash_completion.d/jobd
# (or: source <(jobd completion bash) in ~/.bashrc)
_jobd_ids() { "\${COMP_WORDS[0]}" ls -q --limit 200 2>/dev/null; }
_jobd_kinds() { "\${COMP_WORDS[0]}" machines ls -q 2>/dev/null; }
_jobd_at_file() {
  if [[ "$cur" == @* ]]; then
    COMPREPLY=( $(compgen -f -- "\${cur#@}" | sed 's/^/@/') )
  fi
}
# Counts the positional arguments before the cursor, skipping flags and the values they take.
_jobd_positionals() {
  local valued=" $1 " i w
  npos=0
  for (( i = 2; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    if [[ "$w" == -* ]]; then
      [[ "$valued" == *" $w "* ]] && (( i++ ))
    else
      (( npos++ ))
    fi
  done
}
_jobd() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" npos=0
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=( $(compgen -W "${words(commands.map((c) => c.name))} help" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
    help) COMPREPLY=( $(compgen -W "${words(commands.map((c) => c.name))}" -- "$cur") ) ;;
  esac
}
complete -F _jobd jobd
`;
}

/** zsh `_arguments` wants brackets and colons in help text escaped, and single quotes around all. */
const zq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const zhelp = (text: string) => text.replace(/[[\]]/g, (m) => (m === "[" ? "(" : ")")).replace(/:/g, "\\:");

export function zshScript(commands: Command[]): string {
  const described = commands.map((c) => `    ${zq(`${c.name}:${zhelp(c.summary)}`)}`);
  const cases = commands.map((c) => {
    const specs = Object.entries(c.options).map(([name, o]) => {
      const names = o.short ? `{-${o.short},--${name}}` : `--${name}`;
      const head = o.short ? `'(-${o.short} --${name})'${names}` : "";
      const action =
        o.type === "boolean"
          ? ""
          : o.choices
            ? `:${zhelp(o.value ?? "value")}:(${words(o.choices)})`
            : takesFile(o)
              ? `:${zhelp(o.value ?? "file")}:_files`
              : `:${zhelp(o.value ?? "value")}:`;
      const body = `[${zhelp(o.help)}]${action}`;
      return o.short ? `${head}${zq(body)}` : zq(`${names}${body}`);
    });
    const positional =
      c.complete === "job-id"
        ? [zq("1:job id:_jobd_ids")]
        : c.complete === "file"
          ? [zq("1:path:_files")]
          : Array.isArray(c.complete)
            ? [zq(`1:command:(${words(c.complete as readonly string[])})`)]
            : [];
    if (c.name === "machines") positional.push(zq("2:kind:_jobd_kinds"));
    if (c.name === "answer") positional.push(zq("2:button (1 = first):"));
    if (c.name === "submit") positional.push(zq("1:job type:"));
    return `    ${c.name})\n      _arguments -s \\\n        ${[...specs, ...positional].join(" \\\n        ")}\n      ;;`;
  });
  return `#compdef jobd
# zsh completion for jobd. Install: jobd completion zsh > "\${fpath[1]}/_jobd" and restart zsh
# (or: source <(jobd completion zsh) in ~/.zshrc, after compinit)
_jobd_ids() {
  local -a ids
  ids=(\${(f)"$(\${words[1]:-jobd} ls -q --limit 200 2>/dev/null)"})
  _describe 'job id' ids
}
_jobd_kinds() {
  local -a kinds
  kinds=(\${(f)"$(\${words[1]:-jobd} machines ls -q 2>/dev/null)"})
  _describe 'kind' kinds
}
_jobd() {
  local -a commands
  commands=(
${described.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd="\${words[2]}"
  local bin="\${words[1]}"
  shift words
  (( CURRENT-- ))
  words[1]="$bin"
  case "$cmd" in
${cases.join("\n")}
  esac
}
if [[ "\${funcstack[1]}" == "_jobd" ]]; then
  _jobd "$@"
else
  compdef _jobd jobd
fi
`;
}

/** The completion command, given the full command list once the dispatcher has built it. */
export function completionCommand(all: () => Command[]): Command {
  const command: Command = {
    name: "completion",
    summary: "Print a shell completion script (bash or zsh).",
    args: "SHELL",
    complete: SHELLS,
    options: { ...HELP },
    details: [
      "bash:  jobd completion bash | sudo tee /etc/bash_completion.d/jobd   (or in ~/.bashrc: source <(jobd completion bash))",
      "zsh:   jobd completion zsh > \"${fpath[1]}/_jobd\"                     (or in ~/.zshrc after compinit: source <(jobd completion zsh))",
    ].join("\n"),
    async run(argv) {
      const p = parse(command, argv, { min: 1, max: 1 });
      const shell = oneOf(p.positionals[0]!, SHELLS, "SHELL");
      print(shell === "bash" ? bashScript(all()) : zshScript(all()));
      return EXIT.OK;
    },
  };
  return command;
}

// `gt completion bash|zsh|fish` (and `bd completion …`): shell completion scripts generated from
// the commander tree itself, so they never drift from the commands. Completes subcommands and
// option names; zsh reuses the bash function through bashcompinit.
import type { Command, Option } from "commander";
import { UsageError } from "./args.ts";

interface Node {
  path: string[];
  description: string;
  children: Node[];
  options: Array<{ flags: string[]; description: string }>;
}

function optionFlags(option: Option): string[] {
  return [option.long, option.short].filter((flag): flag is string => flag !== undefined);
}

function toNode(command: Command, path: string[]): Node {
  const options = command.options.map((option) => ({
    flags: optionFlags(option),
    description: option.description,
  }));
  options.push({ flags: ["--help", "-h"], description: "show help" });
  return {
    path,
    description: command.description(),
    children: command.commands.map((child) => toNode(child, [...path, child.name()])),
    options,
  };
}

function walk(node: Node): Node[] {
  return [node, ...node.children.flatMap(walk)];
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bashScript(name: string, root: Node): string {
  const fn = `_${name}_complete`;
  const nodes = walk(root);
  const paths = nodes.filter((n) => n.path.length > 0).map((n) => quote(n.path.join(" ")));
  const cases = nodes.map((node) => {
    const words = [
      ...node.children.map((c) => c.path.at(-1) as string),
      ...node.options.flatMap((o) => o.flags),
    ];
    return `    ${quote(node.path.join(" "))}) opts=${quote(words.join(" "))} ;;`;
  });
  return [
    `# ${name} completion for bash. Load it with: source <(${name} completion bash)`,
    `${fn}() {`,
    `  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word next i opts=""`,
    `  for ((i = 1; i < COMP_CWORD; i++)); do`,
    `    word="\${COMP_WORDS[i]}"`,
    `    [[ "$word" == -* ]] && continue`,
    `    next="\${path:+$path }$word"`,
    `    case "$next" in`,
    `      ${paths.join("|") || "''"}) path="$next" ;;`,
    "    esac",
    "  done",
    `  case "$path" in`,
    ...cases,
    "  esac",
    `  COMPREPLY=($(compgen -W "$opts" -- "$cur"))`,
    "}",
    `complete -F ${fn} ${name}`,
    "",
  ].join("\n");
}

function zshScript(name: string, root: Node): string {
  return [
    `#compdef ${name}`,
    `# ${name} completion for zsh. Load it with: source <(${name} completion zsh)`,
    "autoload -U +X bashcompinit && bashcompinit",
    bashScript(name, root).split("\n").slice(1).join("\n"),
  ].join("\n");
}

function fishScript(name: string, root: Node): string {
  const lines = [
    `# ${name} completion for fish. Load it with: ${name} completion fish | source`,
    `complete -c ${name} -f`,
  ];
  for (const node of walk(root)) {
    const childNames = node.children.map((c) => c.path.at(-1) as string);
    // At this node: its path has been typed and none of its children yet.
    const at =
      node.path.length === 0
        ? "__fish_use_subcommand"
        : `__fish_seen_subcommand_from ${node.path.at(-1)}${childNames.length > 0 ? `; and not __fish_seen_subcommand_from ${childNames.join(" ")}` : ""}`;
    for (const child of node.children) {
      lines.push(
        `complete -c ${name} -n ${quote(at)} -a ${quote(child.path.at(-1) as string)} -d ${quote(child.description)}`,
      );
    }
    for (const option of node.options) {
      const long = option.flags.find((f) => f.startsWith("--"))?.slice(2);
      const short = option.flags.find((f) => /^-[^-]/.test(f))?.slice(1);
      if (!long && !short) continue;
      lines.push(
        `complete -c ${name} -n ${quote(at)}${long ? ` -l ${long}` : ""}${short ? ` -s ${short}` : ""} -d ${quote(option.description)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export const SHELLS = ["bash", "zsh", "fish"] as const;

/** The completion script for `shell`, from the program's commands and options. */
export function completionScript(program: Command, shell: string): string {
  const root = toNode(program, []);
  const name = program.name();
  switch (shell) {
    case "bash":
      return bashScript(name, root);
    case "zsh":
      return zshScript(name, root);
    case "fish":
      return fishScript(name, root);
    default:
      throw new UsageError(`No completion for shell "${shell}".`, `Use one of: ${SHELLS.join(", ")}.`);
  }
}

/** Adds `completion <shell>` to a program. */
export function registerCompletion(program: Command, write: (text: string) => void): void {
  program
    .command("completion")
    .description(`print a shell completion script (${SHELLS.join(", ")})`)
    .argument("<shell>", SHELLS.join(", "))
    .action((shell: string) => {
      write(completionScript(program, shell));
    });
}

// Mail addresses (reference/gastown-beads.md §4): who a message is for, in Gas Town's syntax.
//
//   mayor/  deacon/  overseer (also --human, @overseer)  @town
//   <rig>/witness  <rig>/refinery  <rig>/polecats/<name> (or <rig>/<name>)  <rig>/crew/<name>
//
// Each address has a mailbox issue, found by its title.
import { fail, GastownError, ok, type Result } from "./errors.ts";

export type Address =
  | { kind: "mayor" }
  | { kind: "deacon" }
  | { kind: "overseer" }
  | { kind: "town" }
  | { kind: "witness"; rig: string }
  | { kind: "refinery"; rig: string }
  | { kind: "polecat"; rig: string; name: string }
  | { kind: "crew"; rig: string; name: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ROLE_WORDS = new Set(["witness", "refinery", "polecats", "crew"]);

const FORMS =
  "mayor/, deacon/, overseer (or --human), @town, <rig>/witness, <rig>/refinery, <rig>/polecats/<name> or <rig>/crew/<name>";

function bad(text: string, why: string): Result<Address> {
  return fail(
    new GastownError(`"${text}" is not a mail address: ${why}.`, {
      code: "bad-address",
      hint: `Write one of ${FORMS}.`,
    }),
  );
}

function checkName(what: string, value: string): string | null {
  if (value === "") return `the ${what} is empty`;
  if (!NAME.test(value)) {
    return `the ${what} "${value}" may only hold letters, digits, ".", "_" and "-", starting with a letter or digit`;
  }
  return null;
}

/** Parses an address as people type it. Fails with what is wrong and the accepted forms. */
export function parseAddress(text: string): Result<Address> {
  const input = text.trim();
  if (input === "") return bad(text, "it is empty");
  const lower = input.toLowerCase();
  if (lower === "overseer" || lower === "@overseer" || lower === "--human" || lower === "human") {
    return ok({ kind: "overseer" });
  }
  if (lower === "mayor" || lower === "mayor/") return ok({ kind: "mayor" });
  if (lower === "deacon" || lower === "deacon/") return ok({ kind: "deacon" });
  if (lower === "@town") return ok({ kind: "town" });
  if (input.startsWith("@")) return bad(text, `"${input}" is not a known group (only @town is)`);
  if (!input.includes("/")) {
    return bad(text, "a rig role needs its rig, like gastown/witness");
  }

  const parts = input.split("/");
  const [rig = "", role = "", name, ...rest] = parts;
  if (["mayor", "deacon", "overseer"].includes(rig.toLowerCase())) {
    return bad(text, `${rig.toLowerCase()}/ is a town role and takes nothing after the slash`);
  }
  const rigProblem = checkName("rig name", rig);
  if (rigProblem) return bad(text, rigProblem);
  if (role === "") return bad(text, `broadcast to a whole rig is not supported; name a role in ${rig}/`);
  if (rest.length > 0) return bad(text, "it has too many parts");

  if (name === undefined) {
    if (role === "witness") return ok({ kind: "witness", rig });
    if (role === "refinery") return ok({ kind: "refinery", rig });
    if (role === "polecats" || role === "crew") return bad(text, `${rig}/${role}/ needs a name after it`);
    const nameProblem = checkName("polecat name", role);
    if (nameProblem) return bad(text, nameProblem);
    return ok({ kind: "polecat", rig, name: role });
  }
  if (role !== "polecats" && role !== "crew") {
    return bad(text, `"${role}" is not a role with members (polecats or crew)`);
  }
  const what = role === "polecats" ? "polecat name" : "crew name";
  const nameProblem = checkName(what, name);
  if (nameProblem) return bad(text, nameProblem);
  if (ROLE_WORDS.has(name)) return bad(text, `"${name}" is a role, not a ${what}`);
  return ok({ kind: role === "polecats" ? "polecat" : "crew", rig, name });
}

/** The canonical form: `mayor/`, `overseer`, `@town`, `gastown/polecats/rust`, … */
export function formatAddress(address: Address): string {
  switch (address.kind) {
    case "mayor":
      return "mayor/";
    case "deacon":
      return "deacon/";
    case "overseer":
      return "overseer";
    case "town":
      return "@town";
    case "witness":
      return `${address.rig}/witness`;
    case "refinery":
      return `${address.rig}/refinery`;
    case "polecat":
      return `${address.rig}/polecats/${address.name}`;
    case "crew":
      return `${address.rig}/crew/${address.name}`;
  }
}

export function sameAddress(a: Address, b: Address): boolean {
  return formatAddress(a).toLowerCase() === formatAddress(b).toLowerCase();
}

const MAILBOX_PREFIX = "Mailbox: ";

/** The title of an address's mailbox issue (created on first use, labelled `type/mailbox`). */
export function mailboxTitle(address: Address): string {
  return `${MAILBOX_PREFIX}${formatAddress(address)}`;
}

/** The address a mailbox issue belongs to; null when the title is not a mailbox title. */
export function addressFromMailboxTitle(title: string): Address | null {
  if (!title.startsWith(MAILBOX_PREFIX)) return null;
  const parsed = parseAddress(title.slice(MAILBOX_PREFIX.length));
  return parsed.ok ? parsed.value : null;
}

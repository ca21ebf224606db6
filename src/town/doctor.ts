// `gt doctor [--fix]`: checks that a repository can carry a town and says what it would fix:
// the token's access, the town's labels (colours and descriptions, by the reconcile kernel),
// mailboxes, hook claims against hooked labels, dependency cycles and damaged metadata. With
// `fix`, it repairs what is safe to repair and reports each repair; what needs a human is said.
import {
  applyLabelChanges,
  listBeads,
  reopenBead as reopenIssue,
  closeBead as closeIssue,
} from "../github/issues.ts";
import { reconcileLabels } from "../github/labels.ts";
import { deleteMarker, listHookedBeads } from "../github/refs.ts";
import { getRepository, type RepositoryInfo } from "../github/permissions.ts";
import { formatAddress } from "../model/address.ts";
import type { Bead } from "../model/bead.ts";
import { findCycles, formatCycle } from "../model/deps.ts";
import { isGastownError } from "../model/errors.ts";
import { hookRef } from "../model/hook.ts";
import type { LabelOperation } from "../model/labels.ts";
import { canCommandTown } from "../model/permission.ts";
import type { TownContext } from "./context.ts";
import { walkDependencies } from "./deps.ts";
import { dropStatusLabel, taxonomyOf } from "./labels.ts";
import { listMailboxes } from "./mailbox.ts";
import { readMailboxState } from "./mailbox-state.ts";
import { checkRefineryCi } from "./refinery/doctor.ts";
import type { RefinerySettings } from "./refinery/settings.ts";

export type CheckStatus = "ok" | "warn" | "fail" | "fixed";

export interface DoctorCheck {
  name: "repository" | "token" | "labels" | "mailboxes" | "hooks" | "dependencies" | "metadata" | "refinery";
  status: CheckStatus;
  /** One line. */
  summary: string;
  /** What was found, item by item. */
  details: string[];
  /** Repairs: done (status `fixed`) or, without `fix`, what `--fix` would do. */
  fixes: string[];
}

export interface DoctorReport {
  repo: string;
  checks: DoctorCheck[];
  /** True when no check failed (warnings allowed). */
  healthy: boolean;
}

export interface DoctorParams {
  fix?: boolean;
  /** The rig's refinery settings: checks that the repo's CI runs where the refinery tests. */
  refinery?: RefinerySettings;
  /** The token is Actions' GITHUB_TOKEN: what it creates starts no workflows. */
  actionsToken?: boolean;
}

function check(
  name: DoctorCheck["name"],
  status: CheckStatus,
  summary: string,
  details: string[] = [],
  fixes: string[] = [],
): DoctorCheck {
  return { name, status, summary, details, fixes };
}

function describeOperation(op: LabelOperation): string {
  switch (op.op) {
    case "create":
      return `create label ${op.label.name} (#${op.label.color}, "${op.label.description}")`;
    case "update":
      return `update label ${op.name}: ${op.changes.join(", ")}`;
    case "delete":
      return `delete label ${op.name}`;
  }
}

function checkToken(repo: RepositoryInfo, params: DoctorParams): DoctorCheck {
  const details: string[] = [];
  let status: CheckStatus = "ok";
  let summary: string;
  if (repo.permission === null) {
    summary = "app installation token (its permissions are the app's)";
  } else if (canCommandTown(repo.permission)) {
    summary = `token has ${repo.permission} access`;
  } else {
    status = "fail";
    summary = `token has only ${repo.permission} access; the town needs write`;
    details.push("Use a token with Issues and Contents write access (or install the app on the repository).");
  }
  if (params.actionsToken) {
    if (status === "ok") status = "warn";
    details.push(
      "This is Actions' GITHUB_TOKEN: what it creates starts no workflows, so slings cannot dispatch polecats. Use an app token or a PAT for dispatch.",
    );
  }
  return check("token", status, summary, details);
}

async function checkLabels(town: TownContext, fix: boolean): Promise<DoctorCheck> {
  const { operations, report } = await reconcileLabels(town, { dryRun: !fix });
  if (operations.length === 0)
    return check("labels", "ok", "every town label is present, coloured and described");
  const wanted = operations.map(describeOperation);
  if (!fix) return check("labels", "warn", `${operations.length} label change(s) needed`, [], wanted);
  const failed = report.failed.map((f) => `${describeOperation(f.operation)}: ${f.error.message}`);
  return check(
    "labels",
    failed.length > 0 ? "fail" : "fixed",
    `${report.applied.length} of ${operations.length} label change(s) applied`,
    failed,
    report.applied.map(describeOperation),
  );
}

async function checkMailboxes(town: TownContext, fix: boolean): Promise<DoctorCheck> {
  const mailboxes = await listMailboxes(town);
  const byAddress = new Map<string, Bead[]>();
  const details: string[] = [];
  for (const { address, bead } of mailboxes) {
    const key = formatAddress(address).toLowerCase();
    byAddress.set(key, [...(byAddress.get(key) ?? []), bead]);
    const { problem } = readMailboxState(bead.metadata);
    if (problem) details.push(`#${bead.number}: ${problem}`);
  }
  const fixes: string[] = [];
  const repairs: Array<() => Promise<unknown>> = [];
  for (const [address, beads] of byAddress) {
    const open = beads.filter((bead) => bead.status !== "closed");
    if (open.length === 0) {
      const keep = beads[0] as Bead;
      fixes.push(`reopen #${keep.number}, the mailbox of ${address}`);
      repairs.push(() => reopenIssue(town, keep.number));
    }
    for (const extra of open.slice(1)) {
      fixes.push(`close #${extra.number} as a duplicate mailbox of ${address} (kept: #${open[0]?.number})`);
      repairs.push(() => closeIssue(town, { number: extra.number, reason: "duplicate" }));
    }
  }
  const count = `${byAddress.size} mailbox${byAddress.size === 1 ? "" : "es"}`;
  if (fixes.length === 0) return check("mailboxes", details.length > 0 ? "warn" : "ok", count, details);
  if (!fix) return check("mailboxes", "warn", `${count}, ${fixes.length} to repair`, details, fixes);
  for (const repair of repairs) await repair();
  return check("mailboxes", "fixed", `${count}, ${fixes.length} repaired`, details, fixes);
}

async function checkHooks(town: TownContext, open: readonly Bead[], fix: boolean): Promise<DoctorCheck> {
  const claimed = await listHookedBeads(town);
  const openByNumber = new Map(open.map((bead) => [bead.number, bead]));
  const claimedSet = new Set(claimed);
  const fixes: string[] = [];
  const repairs: Array<() => Promise<unknown>> = [];
  for (const number of claimed) {
    if (openByNumber.has(number)) continue;
    fixes.push(`release the claim on #${number} (the bead is closed or gone)`);
    repairs.push(() => deleteMarker(town, hookRef(number)));
  }
  for (const bead of open) {
    if (bead.status !== "hooked" || claimedSet.has(bead.number)) continue;
    fixes.push(`remove the hooked label from #${bead.number} (nobody holds its claim)`);
    repairs.push(() =>
      applyLabelChanges(town, {
        number: bead.number,
        changes: dropStatusLabel(bead, "hooked", taxonomyOf(town)),
      }),
    );
  }
  const summary = `${claimed.length} hook claim${claimed.length === 1 ? "" : "s"}`;
  if (fixes.length === 0) return check("hooks", "ok", `${summary}, all consistent`);
  if (!fix) return check("hooks", "warn", `${summary}, ${fixes.length} inconsistent`, [], fixes);
  for (const repair of repairs) await repair();
  return check("hooks", "fixed", `${summary}, ${fixes.length} repaired`, [], fixes);
}

async function checkDependencies(town: TownContext, open: readonly Bead[]): Promise<DoctorCheck> {
  const roots = open.filter((bead) => bead.dependencies.totalBlockedBy > 0);
  if (roots.length === 0) return check("dependencies", "ok", "no dependencies among open beads");
  const graph = await walkDependencies(town, { roots, direction: "down" });
  const cycles = findCycles(graph.edges);
  if (cycles.length === 0)
    return check("dependencies", "ok", `no cycles among ${graph.beads.size} linked beads`);
  return check(
    "dependencies",
    "fail",
    `${cycles.length} dependency cycle${cycles.length === 1 ? "" : "s"}: the beads in them can never be ready`,
    cycles.map((cycle) => `${formatCycle(cycle)} — remove one edge with bd dep remove <blocked> <blocker>`),
  );
}

function checkMetadata(open: readonly Bead[]): DoctorCheck {
  const details = open.flatMap((bead) =>
    bead.problems.map((problem) => `#${bead.number}: ${problem.message}`),
  );
  if (details.length === 0) return check("metadata", "ok", "every open bead reads cleanly");
  return check(
    "metadata",
    "warn",
    `${details.length} problem(s) in labels or metadata blocks (edit them by hand)`,
    details,
  );
}

/** Runs every check; with `fix`, repairs what is safe. A repo that cannot be read stops early. */
export async function runDoctor(town: TownContext, params: DoctorParams = {}): Promise<DoctorReport> {
  const name = `${town.repo.owner}/${town.repo.repo}`;
  const fix = params.fix ?? false;
  let repo: RepositoryInfo;
  try {
    repo = await getRepository(town);
  } catch (error: unknown) {
    if (!isGastownError(error)) throw error;
    const failed = check("repository", "fail", error.message, [error.hint]);
    return { repo: name, checks: [failed], healthy: false };
  }
  const checks: DoctorCheck[] = [];
  if (!repo.hasIssues) {
    checks.push(
      check("repository", "fail", `${repo.fullName} has issues turned off`, [
        "Enable issues in the repository's settings; beads are issues.",
      ]),
    );
    return { repo: repo.fullName, checks, healthy: false };
  }
  checks.push(check("repository", "ok", `${repo.fullName} (default branch ${repo.defaultBranch})`));
  const token = checkToken(repo, params);
  checks.push(token);
  // Without write access, repairs would only collect 403s.
  const canFix = fix && token.status !== "fail";
  checks.push(await checkLabels(town, canFix));
  const open = await listBeads(town, { state: "open" });
  checks.push(await checkMailboxes(town, canFix));
  checks.push(await checkHooks(town, open, canFix));
  checks.push(await checkDependencies(town, open));
  checks.push(checkMetadata(open));
  if (params.refinery) checks.push(await checkRefinery(town, params.refinery));
  return { repo: repo.fullName, checks, healthy: checks.every((c) => c.status !== "fail") };
}

/** Whether CI runs where the refinery tests; a warning, since the app may be set up before CI. */
async function checkRefinery(town: TownContext, settings: RefinerySettings): Promise<DoctorCheck> {
  try {
    const coverage = await checkRefineryCi(town, settings);
    return check("refinery", coverage.covered ? "ok" : "warn", coverage.summary);
  } catch (error: unknown) {
    if (!isGastownError(error)) throw error;
    return check("refinery", "warn", `could not read the workflows: ${error.message}`, [error.hint]);
  }
}

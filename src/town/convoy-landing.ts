// `gt convoy check`: a convoy whose tracked beads are all closed (and at least one is tracked)
// lands: its milestone closes and its owner and watchers are told exactly once, however many
// times the check runs, even concurrently. Once-only rests on a marker ref (a compare-and-swap:
// only one creator wins) plus the `notifiedAt` record in the milestone's metadata, written after
// the notice went out; a repo without commits (no marker possible) relies on the record alone.
import { getConvoy, listConvoys, updateConvoy } from "../github/milestones.ts";
import { createMarker, getDefaultBranchHead } from "../github/refs.ts";
import { type Address, formatAddress, parseAddress } from "../model/address.ts";
import type { Bead } from "../model/bead.ts";
import {
  type Convoy,
  type ConvoyLandingPlan,
  mergeConvoyMetadata,
  planConvoyLanding,
} from "../model/convoy.ts";
import { GastownError, isGastownError } from "../model/errors.ts";
import { logOf, nowOf, type TownContext } from "./context.ts";
import { landingMarkerRef, trackedBeads } from "./convoys.ts";
import { sendMail } from "./mail.ts";

/** Who hears of a landing: agents by mail, humans by @mention (so GitHub notifies them). */
export interface LandingRecipients {
  mail: Address[];
  mentions: string[];
  /** Owner or watcher entries that are neither an address nor a GitHub login. */
  unknown: string[];
}

const LOGIN = /^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;

/** Splits a convoy's owner and watchers into mail addresses and logins to mention. */
export function landingRecipients(convoy: Convoy): LandingRecipients {
  const entries = [convoy.metadata.owner, ...(convoy.metadata.watchers ?? [])].filter(
    (entry): entry is string => entry !== undefined && entry.trim() !== "",
  );
  const mail = new Map<string, Address>();
  const mentions = new Set<string>();
  const unknown: string[] = [];
  for (const entry of entries) {
    const address = parseAddress(entry);
    if (address.ok) {
      mail.set(formatAddress(address.value).toLowerCase(), address.value);
      continue;
    }
    const login = LOGIN.exec(entry.trim());
    if (login?.[1]) mentions.add(login[1]);
    else unknown.push(entry);
  }
  return { mail: [...mail.values()], mentions: [...mentions], unknown };
}

const MAX_LISTED = 100;

function duration(from: string, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - Date.parse(from)) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return [days ? `${days}d` : "", hours ? `${hours}h` : "", `${mins}m`].filter(Boolean).join(" ");
}

/** The landing notice's body: what landed, each bead and how it closed, and how long it took. */
export function landingNotice(
  convoy: Convoy,
  beads: readonly Bead[],
  now: Date,
): { subject: string; body: string } {
  const sorted = [...beads].sort((a, b) => a.number - b.number);
  const lines = sorted
    .slice(0, MAX_LISTED)
    .map(
      (bead) =>
        `- #${bead.number} ${bead.title}${bead.stateReason && bead.stateReason !== "completed" ? ` (${bead.stateReason.replace("_", " ")})` : ""}`,
    );
  if (sorted.length > MAX_LISTED) lines.push(`- … and ${sorted.length - MAX_LISTED} more`);
  const count = `${beads.length} tracked bead${beads.length === 1 ? " is" : "s are"}`;
  return {
    subject: `🚚 Convoy landed: ${convoy.title}`.slice(0, 200),
    body: [
      `All ${count} closed: convoy **${convoy.title}** has landed.`,
      "",
      ...lines,
      "",
      `Landed ${duration(convoy.createdAt, now)} after it set out. ${convoy.url}`,
    ].join("\n"),
  };
}

/** What one check did. */
export interface ConvoyCheck {
  convoy: Convoy;
  plan: ConvoyLandingPlan;
  /** The milestone was closed by this check. */
  closed: boolean;
  /** The notice this check sent; null when it sent none (another check did, or none was due). */
  notified: { to: string[]; mentions: string[] } | null;
}

export interface CheckParams {
  /** One convoy (open or closed); default every open convoy. */
  convoy?: number;
  /** Decide only. */
  dryRun?: boolean;
  /** Who the notice is from; default `deacon/` (the patrol that lands convoys). */
  from?: Address;
}

/** `gt convoy check`: lands every complete convoy once. */
export async function checkConvoys(town: TownContext, params: CheckParams = {}): Promise<ConvoyCheck[]> {
  const convoys =
    params.convoy === undefined
      ? await listConvoys(town, { state: "open" })
      : [await getConvoy(town, params.convoy)];
  const results: ConvoyCheck[] = [];
  for (const convoy of convoys.sort((a, b) => a.number - b.number)) {
    const beads = await trackedBeads(town, convoy.number);
    const plan = planConvoyLanding(convoy, beads);
    if (plan.action === "none" || params.dryRun) {
      results.push({ convoy, plan, closed: false, notified: null });
      continue;
    }
    results.push(await land(town, { convoy, beads, plan, from: params.from ?? { kind: "deacon" } }));
  }
  return results;
}

/** True when this caller won the right to send the notice. */
async function winNotice(town: TownContext, convoy: Convoy, now: Date): Promise<boolean> {
  let commitSha: string;
  try {
    commitSha = await getDefaultBranchHead(town);
  } catch (error: unknown) {
    // An empty repository cannot hold a marker; the metadata record is the only guard left.
    if (isGastownError(error) && error.code === "conflict") return true;
    throw error;
  }
  const marker = await createMarker(town, {
    ref: landingMarkerRef(convoy.number),
    tag: `gastown-convoy-${convoy.number}-landed`,
    message: `gastown convoy landed v1\n${JSON.stringify({ convoy: convoy.number, at: now.toISOString() })}\n`,
    commitSha,
  });
  return marker.created;
}

async function land(
  town: TownContext,
  params: {
    convoy: Convoy;
    beads: Bead[];
    plan: Extract<ConvoyLandingPlan, { action: "land" }>;
    from: Address;
  },
): Promise<ConvoyCheck> {
  const { convoy, beads, plan } = params;
  if (!convoy.writable) {
    throw new GastownError(`Convoy ${convoy.number}'s metadata was written by a newer gastown.`, {
      code: "conflict",
      hint: "Upgrade gastown to land it. Nothing was changed.",
    });
  }
  const now = nowOf(town);
  const won = plan.notify && (await winNotice(town, convoy, now));
  if (!won) {
    // Another check owns the notice and the landing record: only make sure the milestone is
    // closed, without writing back a description read before that check wrote its record.
    const updated = plan.close
      ? await updateConvoy(town, { number: convoy.number, state: "closed" })
      : convoy;
    return { convoy: updated, plan, closed: plan.close, notified: null };
  }
  const notified = await notify(town, { convoy, beads, from: params.from, now });
  const metadata = mergeConvoyMetadata(convoy.metadata, {
    landedAt: convoy.metadata.landedAt ?? now.toISOString(),
    notifiedAt: now.toISOString(),
  });
  const updated = await updateConvoy(town, {
    number: convoy.number,
    ...(plan.close ? { state: "closed" as const } : {}),
    description: { text: convoy.description, metadata },
  });
  logOf(town).info({ convoy: convoy.number, closed: plan.close }, "convoy landed");
  return { convoy: updated, plan, closed: plan.close, notified };
}

async function notify(
  town: TownContext,
  params: { convoy: Convoy; beads: Bead[]; from: Address; now: Date },
): Promise<{ to: string[]; mentions: string[] }> {
  const recipients = landingRecipients(params.convoy);
  for (const entry of recipients.unknown) {
    logOf(town).warn(
      { convoy: params.convoy.number, entry },
      "convoy watcher is neither an address nor a login",
    );
  }
  const notice = landingNotice(params.convoy, params.beads, params.now);
  // Humans ride along on the first mail; with no agent to mail, the overseer's mailbox carries it.
  const targets: Address[] =
    recipients.mail.length > 0
      ? recipients.mail
      : recipients.mentions.length > 0
        ? [{ kind: "overseer" }]
        : [];
  for (const [i, to] of targets.entries()) {
    await sendMail(town, {
      from: params.from,
      to,
      subject: notice.subject,
      body: notice.body,
      type: "notification",
      ...(i === 0 && recipients.mentions.length > 0 ? { mentions: recipients.mentions } : {}),
    });
  }
  return { to: targets.map(formatAddress), mentions: recipients.mentions };
}

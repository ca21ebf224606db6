// The refinery's decisions (issue 7), pure: data in, decision out. src/town/refinery.ts gathers
// the facts from GitHub, calls these, and applies what they return.
export {
  applyPriorityOverride,
  checkEligibility,
  createEntry,
  type CreateEntryInput,
  effectivePriority,
  type Eligibility,
  type EligibilityPolicy,
  type IneligibleCode,
  type IneligibleReason,
  type OverrideDecision,
  type PriorityOverride,
  type PullRequestFacts,
  type QueueEntry,
  type QueueReview,
} from "./entry.ts";
export { orderQueue, type RankedEntry, scoreEntry } from "./score.ts";
export { type CheckReport, type CheckState, type CheckSummary, summarizeChecks } from "./checks.ts";
export {
  type ConflictDecision,
  decideConflict,
  guardHeads,
  type HeadBearing,
  type MergeConflict,
  type PlanBatchInput,
  planBatch,
  type Removal,
  type StagedPr,
  type StagingPlan,
} from "./batch.ts";
export {
  decideOutcome,
  guardLanding,
  type LandingGuard,
  type OutcomeDecision,
  type OutcomeInput,
} from "./outcome.ts";
export {
  type BisectResult,
  type BisectState,
  type BisectStep,
  bisectRoundBound,
  nextBisectStep,
  recordBisectResult,
  startBisection,
} from "./bisect.ts";
export {
  type BeadDraft,
  DEFAULT_MAX_RETRIES,
  describeRemoval,
  describeRemovalDetails,
  planRemoval,
  type RemovalCause,
  type RemovalPlan,
} from "./removal.ts";
export {
  type CheckRunView,
  findStickyComment,
  isStickyComment,
  planStickyComment,
  type QueueStatus,
  REFINERY_CHECK_NAME,
  renderCheckRun,
  renderStatusTitle,
  renderStickyComment,
} from "./status.ts";
export {
  decideDirect,
  decideNative,
  type DirectDecision,
  type DirectInput,
  type NativeDecision,
  type NativeQueueState,
  type PullRequestState,
} from "./modes.ts";
export {
  type AdmissionCheck,
  admitEntry,
  type BatchRun,
  checkAdmission,
  type DirectRun,
  decodeState,
  emptyState,
  encodeState,
  type HistoryItem,
  inFlight,
  type ParkedPr,
  parkDequeued,
  planSync,
  type RefineryState,
  recordMerged,
  recordRemoved,
  setOverride,
} from "./state.ts";

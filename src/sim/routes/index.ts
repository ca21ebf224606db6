// Every REST route the loopback GitHub serves, one module per resource.
import { Router } from "../router.ts";
import * as actions from "./actions.ts";
import * as branches from "./branches.ts";
import * as checks from "./checks.ts";
import * as collaborators from "./collaborators.ts";
import * as comments from "./comments.ts";
import * as compare from "./compare.ts";
import * as contents from "./contents.ts";
import * as dependencies from "./dependencies.ts";
import * as gitData from "./git-data.ts";
import * as gitRefs from "./git-refs.ts";
import * as hooks from "./hooks.ts";
import * as issues from "./issues.ts";
import * as labels from "./labels.ts";
import * as merges from "./merges.ts";
import * as milestones from "./milestones.ts";
import * as pulls from "./pulls.ts";
import * as reactions from "./reactions.ts";
import * as repos from "./repos.ts";
import * as reviews from "./reviews.ts";
import * as rules from "./rules.ts";
import * as statuses from "./statuses.ts";
import * as subIssues from "./sub-issues.ts";

export function createRouter(): Router {
  const router = new Router();
  for (const module of [
    repos,
    issues,
    labels,
    milestones,
    comments,
    reactions,
    dependencies,
    subIssues,
    collaborators,
    gitRefs,
    gitData,
    branches,
    rules,
    compare,
    merges,
    contents,
    pulls,
    reviews,
    checks,
    statuses,
    actions,
    hooks,
  ]) {
    module.register(router);
  }
  return router;
}

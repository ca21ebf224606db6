// Conformance scenarios for the issues side: repos and users, issues, assignees, labels,
// milestones, comments, reactions, dependencies, sub-issues and collaborators.
import { expect } from "vitest";
import { newIssue, p, R, type Scenario } from "./conformance-town.ts";

export const issueScenarios: Scenario[] = [
  {
    name: "repos: reads the repo, the caller, a user and the installation's repos",
    needs: [
      "GET /repos/{owner}/{repo}",
      "GET /user",
      "GET /users/{username}",
      "GET /installation/repositories",
    ],
    async run(t) {
      await t.app.rest.repos.get(p);
      await t.admin.rest.users.getAuthenticated();
      await t.app.rest.users.getByUsername({ username: "dev" });
      await t.app.rest.apps.listReposAccessibleToInstallation({ per_page: 100 });
    },
  },
  {
    name: "issues: creates, reads, updates and lists with filters across pages",
    needs: [
      `POST ${R}/issues`,
      `GET ${R}/issues/{issue_number}`,
      `PATCH ${R}/issues/{issue_number}`,
      `GET ${R}/issues`,
    ],
    async run(t) {
      const { data } = await t.app.rest.issues.create({
        ...p,
        title: "Bead",
        body: "Do it",
        labels: ["bug"],
      });
      await t.app.rest.issues.get({ ...p, issue_number: data.number });
      await t.app.rest.issues.update({
        ...p,
        issue_number: data.number,
        state: "closed",
        state_reason: "completed",
      });
      for (const title of ["two", "three", "four"]) await newIssue(t, title);
      const all = await t.app.paginate(t.app.rest.issues.listForRepo, {
        ...p,
        state: "all",
        sort: "created",
        direction: "asc",
        since: "2020-01-01T00:00:00Z",
        per_page: 2,
      });
      expect(all.length).toBeGreaterThanOrEqual(4);
      await t.app.rest.issues.listForRepo({ ...p, labels: "bug", state: "closed", assignee: "none" });
    },
  },
  {
    name: "assignees: lists and checks assignees, and assigns and unassigns an issue",
    needs: [
      `GET ${R}/assignees`,
      `GET ${R}/assignees/{assignee}`,
      `POST ${R}/issues/{issue_number}/assignees`,
      `DELETE ${R}/issues/{issue_number}/assignees`,
    ],
    async run(t) {
      const { number } = await newIssue(t, "to assign");
      await t.app.rest.issues.listAssignees({ ...p, per_page: 100 });
      await t.app.rest.issues.checkUserCanBeAssigned({ ...p, assignee: "dev" });
      await t.app.rest.issues.addAssignees({ ...p, issue_number: number, assignees: ["dev"] });
      await t.app.rest.issues.removeAssignees({ ...p, issue_number: number, assignees: ["dev"] });
    },
  },
  {
    name: "labels: manages repo labels and the labels on an issue",
    needs: [
      `POST ${R}/labels`,
      `GET ${R}/labels`,
      `GET ${R}/labels/{name}`,
      `PATCH ${R}/labels/{name}`,
      `DELETE ${R}/labels/{name}`,
      `POST ${R}/issues/{issue_number}/labels`,
      `PUT ${R}/issues/{issue_number}/labels`,
      `GET ${R}/issues/{issue_number}/labels`,
      `DELETE ${R}/issues/{issue_number}/labels/{name}`,
      `DELETE ${R}/issues/{issue_number}/labels`,
    ],
    async run(t) {
      await t.app.rest.issues.createLabel({
        ...p,
        name: "ready",
        color: "0e8a16",
        description: "Ready to sling",
      });
      await t.app.rest.issues.listLabelsForRepo({ ...p, per_page: 100 });
      await t.app.rest.issues.getLabel({ ...p, name: "ready" });
      await t.app.rest.issues.updateLabel({ ...p, name: "ready", new_name: "ready-now", color: "1d76db" });
      const { number } = await newIssue(t, "to label");
      await t.app.rest.issues.addLabels({ ...p, issue_number: number, labels: ["ready-now", "fresh"] });
      await t.app.rest.issues.setLabels({ ...p, issue_number: number, labels: ["ready-now", "fresh"] });
      await t.app.rest.issues.listLabelsOnIssue({ ...p, issue_number: number });
      await t.app.rest.issues.removeLabel({ ...p, issue_number: number, name: "fresh" });
      await t.app.rest.issues.removeAllLabels({ ...p, issue_number: number });
      await t.app.rest.issues.deleteLabel({ ...p, name: "ready-now" });
    },
  },
  {
    name: "milestones: creates, lists, reads, closes and deletes a milestone",
    needs: [
      `POST ${R}/milestones`,
      `GET ${R}/milestones`,
      `GET ${R}/milestones/{milestone_number}`,
      `PATCH ${R}/milestones/{milestone_number}`,
      `DELETE ${R}/milestones/{milestone_number}`,
    ],
    async run(t) {
      const { data } = await t.app.rest.issues.createMilestone({
        ...p,
        title: "Convoy 1",
        description: "First convoy",
        due_on: "2030-01-01T00:00:00Z",
      });
      const { number } = await newIssue(t, "in the convoy");
      await t.app.rest.issues.update({ ...p, issue_number: number, milestone: data.number });
      await t.app.rest.issues.listMilestones({ ...p, state: "all", sort: "due_on", direction: "asc" });
      await t.app.rest.issues.getMilestone({ ...p, milestone_number: data.number });
      await t.app.rest.issues.updateMilestone({ ...p, milestone_number: data.number, state: "closed" });
      await t.app.rest.issues.deleteMilestone({ ...p, milestone_number: data.number });
    },
  },
  {
    name: "comments: writes, lists, reads, edits and deletes issue comments",
    needs: [
      `POST ${R}/issues/{issue_number}/comments`,
      `GET ${R}/issues/{issue_number}/comments`,
      `GET ${R}/issues/comments`,
      `GET ${R}/issues/comments/{comment_id}`,
      `PATCH ${R}/issues/comments/{comment_id}`,
      `DELETE ${R}/issues/comments/{comment_id}`,
    ],
    async run(t) {
      const { number } = await newIssue(t, "to discuss");
      const { data } = await t.app.rest.issues.createComment({
        ...p,
        issue_number: number,
        body: "Mail for you",
      });
      await t.app.rest.issues.listComments({ ...p, issue_number: number, since: "2020-01-01T00:00:00Z" });
      await t.app.rest.issues.listCommentsForRepo({ ...p, sort: "created", direction: "asc", per_page: 100 });
      await t.app.rest.issues.getComment({ ...p, comment_id: data.id });
      await t.app.rest.issues.updateComment({ ...p, comment_id: data.id, body: "Mail, read" });
      await t.app.rest.issues.deleteComment({ ...p, comment_id: data.id });
    },
  },
  {
    name: "reactions: reacts to an issue and a comment, lists and removes the reactions",
    needs: [
      `POST ${R}/issues/{issue_number}/reactions`,
      `GET ${R}/issues/{issue_number}/reactions`,
      `DELETE ${R}/issues/{issue_number}/reactions/{reaction_id}`,
      `POST ${R}/issues/comments/{comment_id}/reactions`,
      `GET ${R}/issues/comments/{comment_id}/reactions`,
      `DELETE ${R}/issues/comments/{comment_id}/reactions/{reaction_id}`,
      `POST ${R}/issues/{issue_number}/comments`,
    ],
    async run(t) {
      const { number } = await newIssue(t, "to react to");
      const issueReaction = await t.dev.rest.reactions.createForIssue({
        ...p,
        issue_number: number,
        content: "+1",
      });
      await t.dev.rest.reactions.listForIssue({ ...p, issue_number: number, content: "+1" });
      await t.dev.rest.reactions.deleteForIssue({
        ...p,
        issue_number: number,
        reaction_id: issueReaction.data.id,
      });
      const comment = await t.app.rest.issues.createComment({ ...p, issue_number: number, body: "Ack?" });
      const reaction = await t.dev.rest.reactions.createForIssueComment({
        ...p,
        comment_id: comment.data.id,
        content: "heart",
      });
      await t.dev.rest.reactions.listForIssueComment({ ...p, comment_id: comment.data.id });
      await t.dev.rest.reactions.deleteForIssueComment({
        ...p,
        comment_id: comment.data.id,
        reaction_id: reaction.data.id,
      });
    },
  },
  {
    name: "dependencies: blocks an issue by another, lists both directions and unblocks",
    needs: [
      `POST ${R}/issues/{issue_number}/dependencies/blocked_by`,
      `GET ${R}/issues/{issue_number}/dependencies/blocked_by`,
      `GET ${R}/issues/{issue_number}/dependencies/blocking`,
      `DELETE ${R}/issues/{issue_number}/dependencies/blocked_by/{issue_id}`,
    ],
    async run(t) {
      const blocked = await newIssue(t, "blocked");
      const blocker = await newIssue(t, "blocker");
      const path = `${R}/issues/{issue_number}/dependencies`;
      await t.app.request(`POST ${path}/blocked_by`, {
        ...p,
        issue_number: blocked.number,
        issue_id: blocker.id,
      });
      await t.app.request(`GET ${path}/blocked_by`, { ...p, issue_number: blocked.number, per_page: 100 });
      await t.app.request(`GET ${path}/blocking`, { ...p, issue_number: blocker.number, per_page: 100 });
      await t.app.request(`DELETE ${path}/blocked_by/{issue_id}`, {
        ...p,
        issue_number: blocked.number,
        issue_id: blocker.id,
      });
    },
  },
  {
    name: "sub-issues: adds, reorders, lists, finds the parent of and removes sub-issues",
    needs: [
      `POST ${R}/issues/{issue_number}/sub_issues`,
      `GET ${R}/issues/{issue_number}/sub_issues`,
      `PATCH ${R}/issues/{issue_number}/sub_issues/priority`,
      `GET ${R}/issues/{issue_number}/parent`,
      `DELETE ${R}/issues/{issue_number}/sub_issue`,
    ],
    async run(t) {
      const parent = await newIssue(t, "epic");
      const first = await newIssue(t, "step one");
      const second = await newIssue(t, "step two");
      const at = { ...p, issue_number: parent.number };
      await t.app.request(`POST ${R}/issues/{issue_number}/sub_issues`, { ...at, sub_issue_id: first.id });
      await t.app.request(`POST ${R}/issues/{issue_number}/sub_issues`, { ...at, sub_issue_id: second.id });
      await t.app.request(`PATCH ${R}/issues/{issue_number}/sub_issues/priority`, {
        ...at,
        sub_issue_id: second.id,
        before_id: first.id,
      });
      await t.app.request(`GET ${R}/issues/{issue_number}/sub_issues`, { ...at, per_page: 100 });
      await t.app.request(`GET ${R}/issues/{issue_number}/parent`, { ...p, issue_number: first.number });
      await t.app.request(`DELETE ${R}/issues/{issue_number}/sub_issue`, { ...at, sub_issue_id: first.id });
    },
  },
  {
    name: "collaborators: lists, invites, checks, reads the permission of and removes a collaborator",
    needs: [
      `GET ${R}/collaborators`,
      `PUT ${R}/collaborators/{username}`,
      `GET ${R}/collaborators/{username}`,
      `GET ${R}/collaborators/{username}/permission`,
      `DELETE ${R}/collaborators/{username}`,
    ],
    async run(t) {
      await t.admin.rest.repos.listCollaborators({ ...p, per_page: 100 });
      await t.admin.rest.repos.addCollaborator({ ...p, username: "newbie", permission: "triage" });
      await t.admin.rest.repos.checkCollaborator({ ...p, username: "dev" });
      await t.app.rest.repos.getCollaboratorPermissionLevel({ ...p, username: "dev" });
      await t.admin.rest.repos.removeCollaborator({ ...p, username: "newbie" });
    },
  },
];

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ReadOnlyTokenError, restCommentApi } from "../../src/github/client.ts";
import { commentMarker, GITHUB_ACTIONS_BOT, StickyComment } from "../../src/github/sticky-comment.ts";
import { GitHubStandIn } from "./stand-in.ts";

const repository = { owner: "Codertocat", repo: "Hello-World" };
let github: GitHubStandIn;

before(async () => {
  github = await GitHubStandIn.start({
    repository: "Codertocat/Hello-World",
    tokens: {
      pat: { login: "release-bot", kind: "user" },
      app: { login: GITHUB_ACTIONS_BOT, kind: "app" },
      ro: { login: GITHUB_ACTIONS_BOT, kind: "app", readOnly: true },
    },
  });
});
after(async () => {
  assert.deepEqual(github.violations, []);
  await github.stop();
});

const api = (token: string) => restCommentApi({ token, apiUrl: github.url, repository });

describe("the sticky comment", () => {
  test("a personal token's comment is found by the token's user, across pages, and edited in place", async () => {
    const issue = 11;
    for (let i = 0; i < 230; i++) github.seedComment(issue, "reviewer", `comment ${i}`);
    github.seedComment(issue, "mallory", `${commentMarker("e2e")}\nforged`);
    const first = await new StickyComment(api("pat"), issue, "e2e").publish("run 1");
    assert.equal(github.commentsOn(issue).filter((c) => c.login === "release-bot").length, 1);
    for (let i = 0; i < 5; i++) github.seedComment(issue, "reviewer", `later ${i}`);
    const second = await new StickyComment(api("pat"), issue, "e2e").publish("run 2");
    assert.equal(second.id, first.id);
    assert.equal(github.commentsOn(issue).find((c) => c.id === first.id)!.body, `${commentMarker("e2e")}\nrun 2`);
    assert.equal(github.commentsOn(issue).find((c) => c.login === "mallory")!.body, `${commentMarker("e2e")}\nforged`);
    const pages = github.requests.filter((r) => r.operationId === "issues/list-comments" && r.path.endsWith("/issues/11/comments")).map((r) => r.query.page ?? "1");
    assert.deepEqual(pages, ["1", "2", "3", "1", "2", "3"], "every page, 100 at a time, each time");
  });

  test("GITHUB_TOKEN has no user: comments by github-actions[bot] are its own", async () => {
    const issue = 12;
    github.seedComment(issue, "octocat", `${commentMarker("k")}\nforged by a person`);
    const created = await new StickyComment(api("app"), issue, "k").publish("one");
    assert.equal(created.author, GITHUB_ACTIONS_BOT);
    const again = await new StickyComment(api("app"), issue, "k").publish("two");
    assert.equal(again.id, created.id);
    assert.ok(github.requests.some((r) => r.operationId === "users/get-authenticated" && r.status === 403));
  });

  test("keys keep comments apart: matrix jobs do not overwrite each other", async () => {
    const issue = 13;
    const a = await new StickyComment(api("app"), issue, "db=15").publish("fifteen");
    const b = await new StickyComment(api("app"), issue, "db=16").publish("sixteen");
    const ab = await new StickyComment(api("app"), issue, "db=1").publish("prefix of both");
    assert.equal(new Set([a.id, b.id, ab.id]).size, 3);
  });

  test("a read-only token gets GitHub's 403 as a ReadOnlyTokenError", async () => {
    await assert.rejects(new StickyComment(api("ro"), 14, "k").publish("x"), ReadOnlyTokenError);
  });

  test("amend edits the existing comment and creates none", async () => {
    const issue = 15;
    assert.equal(await new StickyComment(api("app"), issue, "k").amend((m) => `${m}!`), undefined);
    assert.equal(github.commentsOn(issue).length, 0);
    await new StickyComment(api("app"), issue, "k").publish("report");
    await new StickyComment(api("app"), issue, "k").amend((m) => `${m} + note`);
    assert.equal(github.commentsOn(issue)[0]!.body, `${commentMarker("k")}\nreport + note`);
  });
});

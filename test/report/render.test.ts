import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { appendRemoval, COMMENT_LIMIT, duration, renderReport } from "../../src/report/render.ts";
import type { ReportView } from "../../src/report/view.ts";
import { bootErrorView, bootingView, chaosView, comparedView, hostileView, manyFailures, noBaselineView, notStartedView, passedView, previewCreatedView, previewKubernetesView, previewNoChangeView, previewRemovedView, previewUpdatedView } from "./views.ts";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");
const OVERFLOW = { label: "the job summary", url: "https://github.com/acme/shop/actions/runs/9001/attempts/1" };

/** Compares with test/report/golden/<name>; PRENV_UPDATE_GOLDEN=1 rewrites the file (then review the diff). */
function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.PRENV_UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, "utf8"), `${name} differs; if the change is intended, run with PRENV_UPDATE_GOLDEN=1 and review the diff`);
}

const render = (view: ReportView) => renderReport(view, { limit: COMMENT_LIMIT - 100, overflow: OVERFLOW });

/** The Markdown with every code span, <code> element and fenced block taken out: what GitHub would render as live text. */
function outsideCode(markdown: string): string {
  let out = "";
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const ticks = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (ticks && ticks.length >= fence.length && line.trim() === ticks) fence = undefined;
      continue;
    }
    if (ticks) {
      fence = ticks;
      continue;
    }
    out += `${line.replace(/<code>[^<]*<\/code>/g, "").replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "")}\n`;
  }
  return out;
}

describe("the report as Markdown (golden files)", () => {
  test("a passed run: status, environment table with short digests, counts, timings, reproduction", () => {
    golden("passed.md", render(passedView));
  });

  test("a failed run whose names, messages, services and key are hostile", () => {
    const markdown = render(hostileView);
    golden("hostile.md", markdown);
    const live = outsideCode(markdown);
    assert.doesNotMatch(live, /@(octocat|channel|admin|here)\b/, "no mention outside code");
    assert.doesNotMatch(markdown, /<!--/, "no HTML comment at all: the marker cannot be forged");
    assert.doesNotMatch(live, /\]\(https:\/\/evil/, "no link");
    assert.doesNotMatch(live, /<(b|script|img)\b/i, "no HTML");
    assert.doesNotMatch(markdown, /[\u202a-\u202e\u2066-\u2069\u0007]/, "no bidi overrides or control characters");
    assert.equal((live.match(/<details>/g) ?? []).length, 2);
    assert.equal((live.match(/<\/details>/g) ?? []).length, 2, "every <details> is closed by prenv, not by the text");
    // Each table row still has exactly four cells.
    for (const row of markdown.split("\n").filter((l) => l.startsWith("| `"))) {
      assert.equal(row.replace(/\\\|/g, "").split("|").length - 2, 4, row);
    }
  });

  test("a failed run with chaos: the faults' timeline beside the failed tests, with the seed and the fault whose undo failed", () => {
    const markdown = render(chaosView);
    golden("chaos.md", markdown);
    assert.match(markdown, /Faults: worker killed at 20\.0 s · api ⇸ db partitioned 30\.0–40\.0 s · db paused 50\.0–52\.0 s — undo failed \(seed 7\)/);
    assert.ok(markdown.indexOf("Faults:") < markdown.indexOf("retries the order"), "the faults come just before the failed tests");
  });

  test("a boot failure: the service, its last log lines and the hint", () => {
    golden("boot-error.md", render(bootErrorView));
  });

  test("while booting: each service's state", () => {
    golden("booting.md", render(bootingView));
  });

  test("nothing started: the problem, and why there is no comment", () => {
    golden("not-started.md", render(notStartedView));
  });

  test("compared with main: the status line counts new failures, which lead; flaky, fixed and a slower boot follow", () => {
    const markdown = render(comparedView);
    golden("compared.md", markdown);
    assert.match(markdown, /^### ❌ prenv · integration — 3 of 5 tests failed\n\*\*1 new failure\*\* \(1 already failing on `main`\) · 2 flaky · 1 fixed · `3f2a9c1`/);
    const order = ["**New failures** (1)", "ships to the moon", "**Flaky failures", "retries the payment", "**Already failing on `main`** (1)", "applies the old coupon"].map((s) => markdown.indexOf(s));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `in order: ${order}`);
    assert.match(markdown, /\*\*Slower than `main`\*\*: boot 14 s \(was 6\.1 s\)/);
    assert.doesNotMatch(markdown, /No baseline/);
  });

  test("no baseline: said once, plainly; the failed tests are listed as without a comparison", () => {
    const markdown = render(noBaselineView);
    golden("no-baseline.md", markdown);
    assert.equal(markdown.match(/No baseline/g)?.length, 1);
    assert.match(markdown, /\*\*Failed tests\*\* \(3\)/);
    assert.doesNotMatch(markdown, /new failure|already failing/i);
  });

  test("a closed pull request adds a note to the earlier comment, once", () => {
    const fate = { state: "torn-down" as const, by: "pull request closed" as const, removed: { containers: 3, networks: 1, volumes: 2 } };
    const once = appendRemoval(render(passedView), fate, "2026-11-29T10:00:00Z");
    golden("removed.md", once);
    assert.equal(appendRemoval(once, fate, "2026-11-29T10:00:00Z"), once, "a second close replaces the note");
  });
});

describe("a preview's comment (golden files)", () => {
  test("created: the URL per exposed service, the expiry and the deployment", () => {
    const markdown = render(previewCreatedView);
    golden("preview-created.md", markdown);
    assert.match(markdown, /^### 🔎 prenv · preview — preview up\n/);
    assert.match(markdown, /\| `web` \| \[web-pr-512\.preview\.example\.com:32768\]\(http:\/\/web-pr-512\.preview\.example\.com:32768\) \| `127\.0\.0\.1:32768` \|/);
    assert.match(markdown, /expires 2026-12-02T10:00:00Z unless a push renews it/);
    assert.doesNotMatch(markdown, /This push changed/, "a first push changes nothing that was there");
  });

  test("on Kubernetes: the Ingress host, and no direct column", () => {
    const markdown = render(previewKubernetesView);
    golden("preview-kubernetes.md", markdown);
    assert.match(markdown, /\| service \| URL \|\n\|---\|---\|\n\| `web` \| \[web-pr-512\.preview\.example\.com\]\(https:\/\/web-pr-512\.preview\.example\.com\) \|\n/);
    assert.doesNotMatch(markdown, /direct \(engine host\)|127\.0\.0\.1/);
  });

  test("updated: what the push changed, and what kept its containers", () => {
    const markdown = render(previewUpdatedView);
    golden("preview-updated.md", markdown);
    assert.match(markdown, /— preview updated\n/);
    assert.match(markdown, /\*\*This push changed\*\*\n- `web` recreated: its configuration changed \(3f2a9c1d5e6f7081 -&gt; 91bc2d3e4f5a6b7c\)\n- unchanged, same containers and data: `cache`/);
  });

  test("a push with no change says so", () => {
    const markdown = render(previewNoChangeView);
    golden("preview-no-change.md", markdown);
    assert.match(markdown, /\*\*This push changed\*\* nothing: no container was replaced/);
  });

  test("closed: the environment was removed and the deployment is inactive", () => {
    const markdown = render(previewRemovedView);
    golden("preview-removed.md", markdown);
    assert.match(markdown, /^### 🧹 prenv · preview — environment removed\n/);
    assert.match(markdown, /\*\*Preview removed\*\*: the environment `shop-pr-512-preview` is gone and deployment `pr-512` is marked inactive\./);
    assert.doesNotMatch(markdown, /preview\.example\.com/, "no URL of what is gone");
  });
});

describe("the size limit", () => {
  test("3,000 failed tests with long messages stay under 65,536 characters and point to the job summary", () => {
    const markdown = render(manyFailures(3000, 2000));
    assert.ok(markdown.length <= COMMENT_LIMIT - 100, String(markdown.length));
    assert.match(markdown, /^### ❌ prenv · integration — 3000 of 3000 tests failed/);
    assert.match(markdown, /<sub>… \d+ more failed tests not shown here: see \[the job summary\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/9001\/attempts\/1\)\.<\/sub>/);
    // What follows the failed tests is still there.
    assert.match(markdown, /\*\*Reproduce locally\*\*\n```bash\ngit fetch origin/);
    assert.match(markdown, /Environment torn down after the tests/);
    assert.equal((markdown.match(/<details>/g) ?? []).length, (markdown.match(/<\/details>/g) ?? []).length);
  });

  test("each excerpt is cut on its own, so one huge stack does not hide the others", () => {
    const markdown = render(manyFailures(5, 50_000));
    assert.equal((markdown.match(/<details>/g) ?? []).length, 5);
    assert.ok(markdown.length < 20_000);
  });

  test("a tiny limit still gives a well-formed report: sections shorten, then a hard cut closes nothing open", () => {
    const markdown = renderReport(manyFailures(50, 500), { limit: 1_500, overflow: OVERFLOW });
    assert.ok(markdown.length <= 1_500, String(markdown.length));
    assert.match(markdown, /the job summary/);
    const fences = markdown.split("\n").filter((l) => /^`{3,}/.test(l)).length;
    assert.equal(fences % 2, 0, markdown);
  });
});

test("durations read as people write them", () => {
  assert.deepEqual([800, 9_950, 12_400, 101_000, 3_725_000].map(duration), ["0.8 s", "9.9 s", "12 s", "1 m 41 s", "1 h 2 m"]);
});

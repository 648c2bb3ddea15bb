import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { code, fenced, htmlCode, sanitize, text } from "../../src/report/markdown.ts";
import { shellQuote } from "../../src/util/shell.ts";

const ZWJ = "\u200d";

describe("escaping untrusted text", () => {
  test("a code span is delimited by more backticks than the text holds, and padded when the text touches them", () => {
    assert.equal(code("plain"), "`plain`");
    assert.equal(code("a `b` c"), "``a `b` c``");
    assert.equal(code("``x``"), "``` ``x`` ```");
    assert.equal(code(""), "` `");
  });

  test("in a table cell a pipe cannot split the row, not even after a backslash", () => {
    assert.equal(code("a|b", { cell: true }), "`a\\|b`");
    assert.equal(code("a\\|b", { cell: true }), "`a⧵\\|b`");
  });

  test("newlines cannot start a new block inside inline text", () => {
    assert.equal(code("one\n\n# two"), "`one ⏎ # two`");
    assert.equal(htmlCode("a\n\n<b>"), "<code>a ⏎ &lt;b&gt;</code>");
  });

  test("<code> for raw HTML escapes HTML and breaks mentions", () => {
    assert.equal(htmlCode(`</code><img src=x onerror="alert(1)"> @octocat & 'q'`), `<code>&lt;/code&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; @${ZWJ}octocat &amp; &#39;q&#39;</code>`);
  });

  test("a fence is longer than any backtick run inside, so the text cannot close it", () => {
    assert.equal(fenced("x"), "```\nx\n```");
    assert.equal(fenced("a\n````\nb"), "`````\na\n````\nb\n`````");
    assert.equal(fenced("echo hi\n\n", "bash"), "```bash\necho hi\n```");
  });

  test("an HTML comment cannot start in any of them: prenv's marker cannot be forged or hidden", () => {
    for (const out of [code("<!-- prenv:comment -->"), htmlCode("<!-- x -->"), fenced("<!-- x -->"), text("<!-- x -->")]) {
      assert.doesNotMatch(out, /<!--/, out);
    }
  });

  test("plain text: no Markdown, no HTML, no links, no mentions, no issue references", () => {
    const out = text("**bold** _em_ [x](https://evil.example) <b>hi</b> @octocat #12 www.evil.example `c` a|b ~s~ & done");
    assert.equal(out, `\\*\\*bold\\*\\* \\_em\\_ \\[x\\](https${ZWJ}://evil.example) &lt;b&gt;hi&lt;/b&gt; @${ZWJ}octocat \\#${ZWJ}12 www${ZWJ}.evil.example \\\`c\\\` a\\|b \\~s\\~ &amp; done`);
  });

  test("bidirectional overrides and control characters become visible replacement characters", () => {
    assert.equal(sanitize("a\u202eb\u2066c\u0007d\u0000e\tf\r\ng"), "a\ufffdb\ufffdc\ufffdd\ufffde\tf\ng");
  });
});

describe("shell quoting", () => {
  test("shell quoting keeps one word one word, on one line", () => {
    assert.equal(shellQuote("plain-1.2_x=y"), "plain-1.2_x=y");
    assert.equal(shellQuote(""), "''");
    assert.equal(shellQuote("a b"), "'a b'");
    assert.equal(shellQuote("$(id)"), "'$(id)'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote("two\nlines\t'q'\\"), "$'two\\nlines\\t\\'q\\'\\\\'");
  });
});

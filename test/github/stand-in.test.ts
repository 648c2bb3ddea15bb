import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { GitHubStandIn } from "./stand-in.ts";

// The stand-in is the judge of every request the Action makes: it must refuse what GitHub's description refuses.
let github: GitHubStandIn;
const headers = { authorization: "token user-token", "content-type": "application/json" };
const api = (path: string) => `${github.url}/repos/Codertocat/Hello-World${path}`;

before(async () => {
  github = await GitHubStandIn.start({ repository: "Codertocat/Hello-World", tokens: { "user-token": { login: "octocat", kind: "user" } } });
});
after(() => github.stop());

describe("the GitHub stand-in checks requests against the OpenAPI description", () => {
  test("an operation that does not exist is refused", async () => {
    const response = await fetch(api("/issues/2/commentz"), { headers });
    assert.equal(response.status, 404);
    assert.match(github.violations.at(-1)!, /no operation GET \/repos\/Codertocat\/Hello-World\/issues\/2\/commentz/);
  });

  test("a body that does not fit the requestBody schema is refused", async () => {
    const response = await fetch(api("/issues/2/comments"), { method: "POST", headers, body: JSON.stringify({ text: "hi" }) });
    assert.equal(response.status, 422);
    assert.match(github.violations.at(-1)!, /must have required property 'body'/);
    const wrongType = await fetch(api("/issues/comments/1"), { method: "PATCH", headers, body: JSON.stringify({ body: 42 }) });
    assert.equal(wrongType.status, 422);
  });

  test("undeclared query parameters and path values of the wrong type are refused", async () => {
    assert.equal((await fetch(api("/issues/2/comments?perpage=100"), { headers })).status, 400);
    assert.match(github.violations.at(-1)!, /query parameter "perpage" is not a parameter of issues\/list-comments/);
    assert.equal((await fetch(api("/issues/two/comments"), { headers })).status, 400);
    assert.equal((await fetch(api("/issues/2/comments?since=yesterday"), { headers })).status, 400);
  });

  test("a body where none is taken is refused, and no token gets 401", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ body: "sneaked in" });
      const req = request(api("/issues/2/comments"), { method: "GET", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(body);
    });
    assert.equal(status, 400);
    assert.match(github.violations.at(-1)!, /issues\/list-comments takes no body/);
    assert.equal((await fetch(`${github.url}/user`, {})).status, 401);
  });

  test("comments are paginated with Link headers, and the answers fit the description", async () => {
    for (let i = 0; i < 5; i++) github.seedComment(7, "someone", `c${i}`);
    const first = await fetch(api("/issues/7/comments?per_page=2"), { headers });
    assert.equal(first.status, 200);
    assert.deepEqual(((await first.json()) as { body: string }[]).map((c) => c.body), ["c0", "c1"]);
    const link = first.headers.get("link")!;
    assert.match(link, /<[^>]+\/issues\/7\/comments\?per_page=2&page=2>; rel="next"/);
    assert.match(link, /page=3>; rel="last"/);
    const last = await fetch(api("/issues/7/comments?per_page=2&page=3"), { headers });
    assert.deepEqual(((await last.json()) as { body: string }[]).map((c) => c.body), ["c4"]);
    assert.doesNotMatch(last.headers.get("link")!, /rel="next"/);
    const violations = github.violations.filter((v) => v.includes("answer"));
    assert.deepEqual(violations, []);
  });
});

import { BUSYBOX } from "../helpers/docker.ts";

/**
 * A small repository to run the Action on: one web service from the local test image,
 * and a suite run by Node's own test runner with its JUnit reporter. The parameter
 * `fail` makes one test fail (at tests/web.test.mjs:10).
 */
export function webProject(extraTests: Record<string, string> = {}, image = BUSYBOX): Record<string, string> {
  return {
    "prenv.yml": `name: hello
params:
  fail: { type: boolean, default: false, description: Make one test fail }
  greeting: { type: string, default: hello }
services:
  web:
    image: ${image}
    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports: ["80"]
    x-prenv:
      ready: [{ port: 80 }]
test:
  command: mkdir -p reports && '${process.execPath}' --test --test-reporter=junit --test-reporter-destination=reports/junit.xml tests/*.test.mjs
  reports: reports/*.xml
  timeout: 2m
  env:
    SHOULD_FAIL: \${fail}
`,
    "tests/web.test.mjs": `import assert from "node:assert/strict";
import { test } from "node:test";

test("the page answers", async () => {
  const response = await fetch(\`\${process.env.PRENV_WEB_URL}/index.html\`);
  assert.equal((await response.text()).trim(), "ok");
});

test("the greeting is configured", () => {
  assert.equal(process.env.SHOULD_FAIL, "false", "asked to fail with fail=true");
});
`,
    ".gitignore": "reports/\nprenv-results/\n",
    ...extraTests,
  };
}

/** A project whose only service never becomes ready: its boot goes on until killed. */
export function slowProject(): Record<string, string> {
  return {
    "prenv.yml": `name: slow
services:
  never:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    x-prenv:
      ready: [{ port: 80 }]
test:
  command: "true"
`,
  };
}

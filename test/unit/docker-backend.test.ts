import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containerNetworkReachable } from "../../src/backends/docker/docker-backend.ts";
import { repositoryOf } from "../../src/plan/plan.ts";

describe("Docker backend decisions", () => {
  test("readiness probes use container addresses only where the host can route to them", () => {
    assert.equal(containerNetworkReachable("linux", undefined), true);
    assert.equal(containerNetworkReachable("linux", "unix:///var/run/docker.sock"), true);
    assert.equal(containerNetworkReachable("linux", "tcp://build-host:2376"), false, "a remote engine's bridge is not ours");
    assert.equal(containerNetworkReachable("linux", "ssh://ci@build-host"), false);
    assert.equal(containerNetworkReachable("darwin", undefined), false, "Docker Desktop keeps containers in a VM");
    assert.equal(containerNetworkReachable("win32", undefined), false);
  });

  test("the digest pinned is the one of the repository the image was named by", () => {
    assert.equal(repositoryOf("localhost:5000/prenv-test/busybox:1"), "localhost:5000/prenv-test/busybox");
    assert.equal(repositoryOf("postgres"), "postgres");
    assert.equal(repositoryOf("ghcr.io/acme/api@sha256:abc"), "ghcr.io/acme/api");
    assert.equal(repositoryOf("registry:5000/team/app"), "registry:5000/team/app");
  });
});

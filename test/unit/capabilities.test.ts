import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { requireCapabilities, UnsupportedError, type Capabilities } from "../../src/backends/backend.ts";
import { DockerBackend } from "../../src/backends/docker/docker-backend.ts";

describe("backend capabilities", () => {
  const none: Capabilities = { pause: false, networkFaults: false, localBuilds: false, lastingEndpoints: false, updateInPlace: false };

  test("what a backend lacks is refused before anything starts, every missing ability named once", () => {
    const backend = { kind: "kubernetes" as const, capabilities: { ...none, pause: true } };
    assert.doesNotThrow(() => requireCapabilities(backend, [{ capability: "pause", because: "pause a service" }]));
    assert.throws(
      () => requireCapabilities(backend, [{ capability: "networkFaults", because: "partition api from db" }, { capability: "pause", because: "pause worker" }, { capability: "localBuilds", because: "build api without a registry" }]),
      (e: unknown) => e instanceof UnsupportedError && e.capability === "networkFaults" && e.message === "the kubernetes backend cannot partition api from db, nor build api without a registry",
    );
  });

  test("the backend's reason for a missing ability is said once, under the refusal", () => {
    const backend = { kind: "kubernetes" as const, capabilities: none, capabilityLimits: { networkFaults: "a NetworkPolicy might not be enforced" } };
    assert.throws(
      () => requireCapabilities(backend, [{ capability: "networkFaults", because: "partition api from db" }, { capability: "networkFaults", because: "loss at db" }, { capability: "pause", because: "pause worker" }]),
      (e: unknown) => e instanceof UnsupportedError && e.message === "the kubernetes backend cannot partition api from db, nor loss at db, nor pause worker\n  a NetworkPolicy might not be enforced",
    );
  });

  test("the Docker backend can do all of them", () => {
    assert.deepEqual(new DockerBackend({ version: "test" }).capabilities, { pause: true, networkFaults: true, localBuilds: true, lastingEndpoints: true, updateInPlace: true });
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { capabilityRefusals, requireFaultSupport, UnsupportedError, type Capabilities, type FaultNeed } from "../../src/backends/backend.ts";
import { DockerBackend } from "../../src/backends/docker/docker-backend.ts";

describe("backend capabilities", () => {
  const none: Capabilities = { pause: false, networkFaults: false, localBuilds: false, lastingEndpoints: false, updateInPlace: false };
  const owner = { host: "here", pid: 1 };
  /** A backend that answers from its capabilities alone, as Docker does. */
  const staticBackend = (capabilities: Capabilities, capabilityLimits?: Partial<Record<keyof Capabilities, string>>) => {
    const backend = { kind: "kubernetes" as const, capabilities, ...(capabilityLimits ? { capabilityLimits } : {}) };
    return { ...backend, faultSupport: async (needs: FaultNeed[]) => capabilityRefusals(backend, needs) };
  };

  test("what a backend lacks is refused before anything starts, every missing ability named once", async () => {
    const backend = staticBackend({ ...none, pause: true });
    await requireFaultSupport(backend, [{ capability: "pause", because: "pause a service" }], { owner });
    await assert.rejects(
      requireFaultSupport(backend, [{ capability: "networkFaults", because: "partition api from db" }, { capability: "pause", because: "pause worker" }, { capability: "localBuilds", because: "build api without a registry" }], { owner }),
      (e: unknown) => e instanceof UnsupportedError && e.capability === "networkFaults" && e.message === "the kubernetes backend cannot partition api from db, nor build api without a registry",
    );
  });

  test("the backend's reason for a missing ability is said once, under the refusal", async () => {
    const backend = staticBackend(none, { networkFaults: "a NetworkPolicy might not be enforced" });
    await assert.rejects(
      requireFaultSupport(backend, [{ capability: "networkFaults", because: "partition api from db" }, { capability: "networkFaults", because: "loss at db" }, { capability: "pause", because: "pause worker" }], { owner }),
      (e: unknown) => e instanceof UnsupportedError && e.message === "the kubernetes backend cannot partition api from db, nor loss at db, nor pause worker\n  a NetworkPolicy might not be enforced",
    );
  });

  test("a refusal's own reason and hint are said; the first location leads, the others follow their fault", async () => {
    const at = (line: number) => ({ file: "prenv.yml", line, column: 7 });
    const backend = {
      kind: "kubernetes" as const,
      faultSupport: async (needs: FaultNeed[]) => needs.map((need) => (need.kind === "partition" ? { need, reason: "partition: not enforced", hint: "use Calico" } : { need })),
    };
    await assert.rejects(
      requireFaultSupport(backend, [{ capability: "networkFaults", kind: "partition", because: "partition a ↔ b", location: at(8) }, { capability: "pause", kind: "pause", because: "pause c", location: at(9) }], { owner }),
      (e: unknown) =>
        e instanceof UnsupportedError &&
        e.message === "prenv.yml:8:7: the kubernetes backend cannot partition a ↔ b, nor pause c (prenv.yml:9:7)\n  partition: not enforced" &&
        e.hint === "use Calico\n  hint: run it on a backend that can (--backend docker), or leave those out of the definition",
    );
  });

  test("the Docker backend can do all of them", async () => {
    const docker = new DockerBackend({ version: "test" });
    assert.deepEqual(docker.capabilities, { pause: true, networkFaults: true, localBuilds: true, lastingEndpoints: true, updateInPlace: true });
    assert.deepEqual(await docker.faultSupport([{ capability: "networkFaults", kind: "partition", because: "partition a ↔ b" }, { capability: "pause", kind: "pause", because: "pause a" }]), []);
  });
});

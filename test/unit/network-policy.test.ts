import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LABELS } from "../../src/backends/backend.ts";
import { partitionRefusal } from "../../src/backends/kubernetes/faults.ts";
import { partitionPolicy, policyName, probeDenyPolicy, probePod } from "../../src/backends/kubernetes/network-policy.ts";

describe("a partition's NetworkPolicies", () => {
  const side = { namespace: "prenv-shop", environment: "shop", id: "2.1", service: "api", peer: "db", peerAddresses: ["10.244.0.7", "fd00::7"], record: '{"owner":"h:1","fault":"2.1 partition api"}' };
  const policy = partitionPolicy(side);

  test("selects the side's pods by their service label, for ingress only: what they send is left alone", () => {
    assert.deepEqual(policy.spec?.podSelector, { matchLabels: { [LABELS.service]: "api" } });
    assert.deepEqual(policy.spec?.policyTypes, ["Ingress"]);
  });

  test("allows every source but the peer's pods: the namespace's other pods, all other namespaces, every address but the peer's", () => {
    const rules = policy.spec?.ingress ?? [];
    assert.equal(rules.length, 1, "one rule: its peers are alternatives");
    assert.equal(rules[0]!.ports, undefined, "every port");
    assert.deepEqual(rules[0]!._from, [
      { podSelector: { matchExpressions: [{ key: LABELS.service, operator: "NotIn", values: ["db"] }] } },
      { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["prenv-shop"] }] } },
      { ipBlock: { cidr: "0.0.0.0/0", except: ["10.244.0.7/32"] } },
      { ipBlock: { cidr: "::/0", except: ["fd00::7/128"] } },
    ]);
  });

  test("without peer addresses the address rules have no exceptions (an except must not be empty)", () => {
    const rules = partitionPolicy({ ...side, peerAddresses: [] }).spec?.ingress?.[0]?._from ?? [];
    assert.deepEqual(rules.slice(2), [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }]);
  });

  test("carries what gc needs after a kill -9: managed, the fault's id, the environment and the undo record", () => {
    assert.equal(policy.metadata?.name, "prenv-fault-2-1-api");
    assert.equal(policy.metadata?.namespace, "prenv-shop");
    assert.deepEqual(policy.metadata?.labels, { "dev.prenv.managed": "true", [LABELS.fault]: "2-1" });
    assert.deepEqual(policy.metadata?.annotations, { [LABELS.environment]: "shop", [LABELS.faultUndo]: side.record });
  });

  test("names of the two sides differ, and a service name Kubernetes cannot take is made to fit", () => {
    assert.notEqual(policyName("1.1", "api"), policyName("1.1", "db"));
    assert.match(policyName("1.1", "Web_API"), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe("the NetworkPolicy probe", () => {
  test("its deny policy selects only the server pod and allows no ingress at all", () => {
    const deny = probeDenyPolicy("ns");
    const server = probePod("ns", "server", "busybox:1");
    const client = probePod("ns", "client", "busybox:1");
    assert.deepEqual(deny.spec?.podSelector?.matchLabels, { "dev.prenv.probe": "server" });
    assert.deepEqual(deny.spec?.ingress, []);
    assert.deepEqual(deny.spec?.policyTypes, ["Ingress"]);
    const selected = (labels: Record<string, string> | undefined) => Object.entries(deny.spec?.podSelector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
    assert.equal(selected(server.metadata?.labels), true);
    assert.equal(selected(client.metadata?.labels), false);
    assert.equal(server.spec?.containers[0]?.image, "busybox:1", "the image is the definition's helper image");
  });

  test("a cluster that does not enforce, or that the probe could not judge, refuses partitions with the probe's words and a hint", () => {
    const not = partitionRefusal({ verdict: "not enforced", detail: "a pod still reached another", ms: 6900 });
    assert.equal(not?.reason, "partition: this cluster does not enforce NetworkPolicy (probe: a pod still reached another; 6.9 s)");
    assert.match(not?.hint ?? "", /Calico, Cilium/);
    assert.match(not?.hint ?? "", /--backend docker/);
    assert.match(partitionRefusal({ verdict: "unknown", detail: "the probe failed: x", ms: 100 })?.reason ?? "", /cannot tell whether this cluster enforces NetworkPolicy \(probe: the probe failed: x/);
    assert.match(partitionRefusal(undefined)?.reason ?? "", /needs chaos\.helper-image/);
    assert.equal(partitionRefusal({ verdict: "enforced", detail: "stopped after 0.3 s", ms: 3000 }), undefined);
  });
});

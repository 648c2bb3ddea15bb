# shellcheck shell=bash disable=SC2034
# Settings and helpers shared by test/k8s/build.sh and test/k8s/cluster.sh. Source it, do not run it.
# Everything the cluster uses lives outside the repository:
#   $K8S_CACHE/<version>/bin   binaries built from Go modules (kept across runs, keyed by version)
#   $K8S_STATE                 certificates, kubeconfigs, etcd data, containerd and kubelet roots
#   $K8S_RUN                   sockets and pid files
#   $K8S_LOGS                  one log per daemon, plus the build log

K8S_VERSION=${PRENV_K8S_VERSION:-v1.34.4}        # k8s.io/kubernetes; 1.34 still runs on cgroup v1 and containerd 1.6
COREDNS_VERSION=${PRENV_COREDNS_VERSION:-v1.14.7} # github.com/coredns/coredns; its go.mod asks for Go 1.25

K8S_CACHE=${PRENV_K8S_CACHE:-/var/cache/prenv-k8s}
K8S_STATE=${PRENV_K8S_STATE:-/var/lib/prenv-k8s}
K8S_RUN=${PRENV_K8S_RUN:-/run/prenv-k8s}
K8S_LOGS=${PRENV_K8S_LOGS:-/var/log/prenv-k8s}

K8S_BIN=$K8S_CACHE/$K8S_VERSION/bin
COREDNS_BIN=$K8S_CACHE/coredns-$COREDNS_VERSION/bin
K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

# Addresses. They exist on this machine only: the node address is put on the loopback device
# (this kernel has no dummy devices), pods get 10.244.0.0/16 on the cni0 bridge, services
# 10.96.0.0/16. None of them meets Docker's 172.17-31.x or 192.168.x pools.
NODE_IP=10.250.0.1
POD_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SVC_IP=10.96.0.1
DNS_SVC_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
NODE_NAME=prenv-k8s-node
APISERVER_PORT=6443
ETCD_CLIENT_PORT=23790 # not etcd's usual 2379, so a test's own etcd can still have it
ETCD_PEER_PORT=23800

# Images that the cluster itself needs, built locally (nothing is pulled).
PAUSE_IMAGE=prenv-test/pause:1
COREDNS_IMAGE=prenv-test/coredns:${COREDNS_VERSION#v}

CONTAINERD_SOCK=$K8S_RUN/containerd.sock
KUBECONFIG_PATH=$K8S_STATE/kubeconfig

k8s_log() { printf '[k8s] %s\n' "$*"; }
k8s_die() {
  printf '[k8s] ERROR: %s\n' "$*" >&2
  exit 1
}


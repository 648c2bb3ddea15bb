#!/usr/bin/env bash
# Usage: test/k8s/cluster.sh up|down|status|kubeconfig|load-image IMAGE...
#
# A real single-node Kubernetes on this machine for prenv's tests, built from Go modules
# (test/k8s/build.sh) and Debian packages, run as plain processes:
#   etcd (Debian's etcd-server), kube-apiserver, kube-controller-manager, kube-scheduler,
#   a containerd of its own (not Docker's: own root, state and socket) with the CRI plugin,
#   kubelet, kube-proxy (iptables mode), a CNI bridge network, CoreDNS.
#
#   up          build what is not cached, start everything, wait for the node, CoreDNS and a test
#               pod. When the cluster already answers, returns at once; when some part is down,
#               cleans up and starts afresh (the cluster's contents are not kept).
#   down        stop everything; leaves no process, mount, network device or iptables chain of its own.
#   status      what runs.
#   kubeconfig  the admin kubeconfig's path (cluster-admin; the smoke test reads PRENV_KUBECONFIG).
#   load-image  copy images from the Docker engine into the cluster's containerd (use them with
#               imagePullPolicy: IfNotPresent; nothing can be pulled here).
#
# Paths: binaries in /var/cache/prenv-k8s/<version>/bin, state in /var/lib/prenv-k8s, sockets and
# pid files in /run/prenv-k8s, logs in /var/log/prenv-k8s/*.log (see test/k8s/lib.sh).
set -euo pipefail
exec </dev/null

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=test/k8s/lib.sh
. "$HERE/lib.sh"
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"

PKI=$K8S_STATE/pki
CONF=$K8S_STATE/config
CNI_NETWORK=prenv-k8s
CNI_BRIDGE=prenv-cni0
CNI_CONF_DIR=$K8S_STATE/cni/net.d
FORWARD_CHAIN=PRENV-K8S-FORWARD
RUNC_ROOT=$K8S_RUN/runc
POD_LOGS=$K8S_STATE/pod-logs
APISERVER_URL=https://$NODE_IP:$APISERVER_PORT
# Start order; down goes the other way.
DAEMONS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

# The admin kubeconfig is written at the start; up publishes it as $KUBECONFIG_PATH only once the
# cluster works, so that its presence means "the cluster is up" (the smoke test skips without it).
ADMIN_KUBECONFIG=$CONF/admin.kubeconfig
# containerd's per-registry settings (hosts.toml files); see write_registry_hosts.
REGISTRY_HOSTS=$K8S_STATE/registry-hosts
TEST_REGISTRY=localhost:5000
kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }
ctr() { command ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }

# --- processes -------------------------------------------------------------------------------

# binary_of NAME: the executable a daemon runs.
binary_of() {
  case $1 in
    etcd) command -v etcd ;;
    containerd) command -v containerd ;;
    *) printf '%s\n' "$K8S_BIN/$1" ;;
  esac
}

# pid_of NAME: the daemon's pid when it runs (its pid file names a live process running its binary).
pid_of() {
  local file=$K8S_RUN/$1.pid pid exe
  [ -f "$file" ] || return 1
  read -r pid exe <"$file" || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] || return 1
  printf '%s\n' "$pid"
}

running() { pid_of "$1" >/dev/null; }

# start_daemon NAME ARGS...: NAME's binary with ARGS in a session of its own, log in $K8S_LOGS/NAME.log
# (the previous one is kept as NAME.log.1).
start_daemon() {
  local name=$1 bin pid
  shift
  bin=$(binary_of "$name")
  [ -x "$bin" ] || k8s_die "$name: no executable $bin"
  [ -f "$K8S_LOGS/$name.log" ] && mv -f "$K8S_LOGS/$name.log" "$K8S_LOGS/$name.log.1"
  # 8>&-: the daemon must not inherit (and so keep holding) cluster.sh's lock.
  setsid "$bin" "$@" </dev/null >"$K8S_LOGS/$name.log" 2>&1 8>&- &
  pid=$!
  printf '%s %s\n' "$pid" "$(readlink -f "$bin")" >"$K8S_RUN/$name.pid"
  sleep 0.2
  running "$name" || {
    tail -n 20 "$K8S_LOGS/$name.log" >&2
    k8s_die "$name exited at once; log: $K8S_LOGS/$name.log"
  }
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 10).
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    [ -d "/proc/$pid" ] || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    [ -d "/proc/$pid" ] || return 0
    sleep 0.1
  done
}

stop_daemon() {
  local pid
  if pid=$(pid_of "$1"); then
    k8s_log "stopping $1 (pid $pid)"
    stop_pid "$pid" "${2:-10}"
  fi
  rm -f "$K8S_RUN/$1.pid"
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every half second.
wait_for() {
  local what=$1 secs=$2 i
  shift 2
  for ((i = 0; i < secs * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  k8s_log "gave up waiting for $what after ${secs}s"
  return 1
}

# --- setup -----------------------------------------------------------------------------------

install_packages() {
  local guard=""
  # etcd-server's postinst starts the packaged etcd through invoke-rc.d; a policy-rc.d that says
  # "no" (as Debian's container images have) keeps it from doing so.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
  fi
  apt_install_missing etcd-server containerd runc containernetworking-plugins iptables conntrack \
    iproute2 openssl curl util-linux || {
    [ -z "$guard" ] || rm -f "$guard"
    exit 1
  }
  [ -z "$guard" ] || rm -f "$guard"
}

# cert NAME CN O EXTKEYUSAGE [SAN]: a key and a certificate signed by the cluster's CA.
cert() {
  local name=$1 cn=$2 org=$3 eku=$4 san=${5:-} subj
  subj="/CN=$cn"
  [ -z "$org" ] || subj="$subj/O=$org"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  {
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature, keyEncipherment"
    echo "extendedKeyUsage = $eku"
    [ -z "$san" ] || echo "subjectAltName = $san"
  } >"$PKI/$name.ext"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "$PKI/$name.ext" \
    -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

make_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=prenv-k8s-ca" -days 3650 -sha256 \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign, digitalSignature" -out "$PKI/ca.crt"
  local d=$CLUSTER_DOMAIN
  cert apiserver kube-apiserver "" serverAuth \
    "DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.$d, DNS:localhost, IP:127.0.0.1, IP:$NODE_IP, IP:$KUBERNETES_SVC_IP"
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters clientAuth
  cert admin prenv-admin system:masters clientAuth
  cert controller-manager system:kube-controller-manager "" clientAuth
  cert scheduler system:kube-scheduler "" clientAuth
  cert kube-proxy system:kube-proxy "" clientAuth
  cert kubelet "system:node:$NODE_NAME" system:nodes clientAuth
  cert kubelet-serving "$NODE_NAME" "" serverAuth "DNS:$NODE_NAME, DNS:localhost, IP:127.0.0.1, IP:$NODE_IP"
  # Service-account tokens: signed by the apiserver with sa.key, checked with sa.pub.
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  chmod 600 "$PKI"/*.key
}

# kubeconfig FILE USER CERT: a kubeconfig for USER with the client certificate CERT(.crt/.key).
kubeconfig() {
  local file=$1 user=$2 c=$3
  umask 077
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: prenv-k8s
    cluster:
      server: $APISERVER_URL
      certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
  - name: $user
    user:
      client-certificate-data: $(base64 -w0 "$PKI/$c.crt")
      client-key-data: $(base64 -w0 "$PKI/$c.key")
contexts:
  - name: prenv-k8s
    context:
      cluster: prenv-k8s
      user: $user
current-context: prenv-k8s
EOF
  umask 022
}

write_configs() {
  mkdir -p "$CONF" "$CNI_CONF_DIR" "$K8S_STATE/cni/ipam" "$POD_LOGS"
  kubeconfig "$CONF/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  kubeconfig "$CONF/scheduler.kubeconfig" system:kube-scheduler scheduler
  kubeconfig "$CONF/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  kubeconfig "$ADMIN_KUBECONFIG" prenv-admin admin
  kubeconfig "$CONF/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet

  # containerd: everything of its own under $K8S_STATE and $K8S_RUN, so that it shares nothing
  # with Docker's containerd but the shim and runc binaries.
  cat >"$CONF/containerd.toml" <<EOF
version = 2
root = "$K8S_STATE/containerd"
state = "$K8S_RUN/containerd"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$K8S_STATE/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/$PAUSE_IMAGE"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # Root here lacks CAP_SYS_RESOURCE, so no process may lower its oom_score_adj below ours (0);
  # the kubelet asks -998 for sandboxes, which runc would fail on ("can't get final child's PID
  # from pipe: EOF"). This makes containerd raise such values to its own.
  restrict_oom_score_adj = true

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$RUNC_ROOT"

  # Registries by host, one hosts.toml each (write_registry_hosts): the test registry on
  # localhost:5000 (scripts/start-registry.sh) speaks plain HTTP, which containerd only uses
  # when told.
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$REGISTRY_HOSTS"

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CNI_CONF_DIR"
    max_conf_num = 1
EOF

  write_registry_hosts

  # The pod network: one bridge, addresses from host-local. containerd sets up each pod's
  # loopback device itself with the loopback plugin from the same bin_dir; portmap serves hostPort.
  cat >"$CNI_CONF_DIR/10-prenv-k8s.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$K8S_STATE/cni/ipam",
        "ranges": [[{ "subnet": "$NODE_POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF

  cat >"$CONF/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
# This machine has cgroup v1, which Kubernetes 1.34 still runs on when asked to.
failCgroupV1: false
failSwapOn: false
clusterDNS: [$DNS_SVC_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: /etc/resolv.conf
podLogsDir: $POD_LOGS
serializeImagePulls: false
# Images come from the Docker engine (load-image) and cannot be pulled again: never collect them,
# and let the other tests on this machine fill the disk without evicting pods.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
rotateCertificates: false
maxPods: 110
# Not -999: root here cannot lower oom_score_adj (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
EOF

  cat >"$CONF/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CONF/kube-proxy.kubeconfig
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
# NodePorts on the node's own address only (10.250.0.1), not on every address of the machine.
nodePortAddresses: [primary]
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Not -999: root here cannot lower oom_score_adj (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
iptables:
  # Would set net.ipv4.conf.all.route_localnet; node ports on 127.0.0.1 are not needed.
  localhostNodePorts: false
conntrack:
  # 0: leave the machine's conntrack table size and timeouts as they are.
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
}

# write_registry_hosts: lets pods pull localhost:5000/... from the test registry (plain HTTP,
# no auth; containerd runs in the host's network namespace, so localhost is this machine).
# Images from anywhere else still cannot be pulled: they must be loaded (load-image).
write_registry_hosts() {
  mkdir -p "$REGISTRY_HOSTS/$TEST_REGISTRY"
  cat >"$REGISTRY_HOSTS/$TEST_REGISTRY/hosts.toml" <<EOF
server = "http://$TEST_REGISTRY"

[host."http://$TEST_REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF
}

# docker_image_label IMAGE: the prenv.source label of a Docker image, empty when absent.
docker_image_label() {
  docker image inspect -f '{{ index .Config.Labels "prenv.source" }}' "$1" 2>/dev/null || true
}

# build_image IMAGE SOURCE-ID ENTRYPOINT-JSON FILE...: a Docker image holding only FILEs at its
# root, made with docker import; rebuilt only when SOURCE-ID changed.
build_image() {
  local image=$1 source=$2 entrypoint=$3 tmp old
  shift 3
  [ "$(docker_image_label "$image")" = "$source" ] && return 0
  old=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  k8s_log "building image $image"
  tmp=$(mktemp -d)
  cp "$@" "$tmp/"
  tar -C "$tmp" -cf - . | docker import --change "ENTRYPOINT $entrypoint" \
    --change "LABEL prenv.source=$source" - "$image" >/dev/null
  rm -rf "$tmp"
  # The build it replaces, now untagged (kept should another tag still name it).
  [ -z "$old" ] || docker image rm "$old" >/dev/null 2>&1 || true
}

build_images() {
  local pause_dir
  pause_dir=$(ls -d "$K8S_CACHE"/pause-"$(sha256sum "$HERE/pause/pause.go" | cut -c1-12)")
  build_image "$PAUSE_IMAGE" "$(basename "$pause_dir")" '["/pause"]' "$pause_dir/pause"
  build_image "$COREDNS_IMAGE" "coredns-$COREDNS_VERSION" '["/coredns"]' "$COREDNS_BIN/coredns"
}

# ctr_ref IMAGE: the name containerd gives a Docker image name (busybox:1 -> docker.io/library/busybox:1,
# localhost:5000/x -> localhost:5000/x:latest), as the kubelet looks it up.
ctr_ref() {
  local ref=$1 first=""
  case $ref in */*) first=${ref%%/*} ;; esac
  case $first in
    *.* | *:* | localhost) ;;
    "") ref=docker.io/library/$ref ;;
    *) ref=docker.io/$ref ;;
  esac
  case ${ref##*/} in *:* | *@*) ;; *) ref=$ref:latest ;; esac
  printf '%s\n' "$ref"
}

# load_image IMAGE: docker save | ctr import, skipped when containerd has this image ID already.
load_image() {
  local image=$1 id mark ref
  id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null) || k8s_die "Docker has no image $image"
  ref=$(ctr_ref "$image")
  mark=$K8S_STATE/images/$(printf '%s' "$ref" | tr '/:@' '___')
  if [ -f "$mark" ] && [ "$(cat "$mark")" = "$id" ] && ctr images ls -q | grep -qxF "$ref"; then
    return 0
  fi
  k8s_log "loading $image into the cluster's containerd"
  mkdir -p "$K8S_STATE/images"
  if ! docker save "$image" | ctr images import - >>"$K8S_LOGS/images.log" 2>&1; then
    k8s_die "ctr images import of $image failed; log: $K8S_LOGS/images.log"
  fi
  printf '%s\n' "$id" >"$mark"
}

# Host settings that up changes (ip_forward, bridge netfilter) or that the kubelet sets on start
# (its "kernel tunables"); down puts back the values they had before.
HOST_SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables vm.overcommit_memory
  vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
SAVED_SYSCTLS=$K8S_STATE/host-sysctls

save_sysctls() {
  local k v
  [ -f "$SAVED_SYSCTLS" ] && return 0
  for k in "${HOST_SYSCTLS[@]}"; do
    if v=$(sysctl -n "$k" 2>/dev/null); then printf '%s %s\n' "$k" "$v"; fi
  done >"$SAVED_SYSCTLS"
}

restore_sysctls() {
  local k v
  [ -f "$SAVED_SYSCTLS" ] || return 0
  while read -r k v; do
    sysctl -qw "$k=$v" 2>/dev/null || k8s_log "warning: could not restore $k=$v"
  done <"$SAVED_SYSCTLS"
}

network_setup() {
  # The node's address lives on the loopback device: reachable from pods through the bridge,
  # never leaves the machine.
  ip addr show dev lo | grep -q " $NODE_IP/32 " || ip addr add "$NODE_IP/32" dev lo
  sysctl -qw net.ipv4.ip_forward=1
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null || true
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] ||
    k8s_die "no /proc/sys/net/bridge (br_netfilter): kube-proxy cannot see bridged pod traffic"
  sysctl -qw net.bridge.bridge-nf-call-iptables=1
  # Docker sets FORWARD's policy to DROP; let the pod network's own traffic through.
  iptables -N "$FORWARD_CHAIN" 2>/dev/null || iptables -F "$FORWARD_CHAIN"
  iptables -A "$FORWARD_CHAIN" -s "$POD_CIDR" -j ACCEPT
  iptables -A "$FORWARD_CHAIN" -d "$POD_CIDR" -j ACCEPT
  iptables -C FORWARD -j "$FORWARD_CHAIN" 2>/dev/null || iptables -I FORWARD 1 -j "$FORWARD_CHAIN"
}

# --- start -----------------------------------------------------------------------------------

start_etcd() {
  mkdir -p "$K8S_STATE/etcd"
  chmod 700 "$K8S_STATE/etcd"
  start_daemon etcd --name prenv-k8s --data-dir "$K8S_STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "prenv-k8s=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new --logger=zap
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health" ||
    k8s_die "etcd does not answer; log: $K8S_LOGS/etcd.log"
}

start_apiserver() {
  start_daemon kube-apiserver \
    --advertise-address="$NODE_IP" --bind-address="$NODE_IP" --secure-port="$APISERVER_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" \
    --kubelet-preferred-address-types=InternalIP \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true \
    --profiling=false
  wait_for kube-apiserver 120 kubectl get --raw /readyz ||
    k8s_die "kube-apiserver is not ready; log: $K8S_LOGS/kube-apiserver.log"
}

start_controllers() {
  start_daemon kube-controller-manager \
    --kubeconfig="$CONF/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CONF/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CONF/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 \
    --leader-elect=false \
    --cluster-name=prenv-k8s \
    --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" --node-cidr-mask-size=24 \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --root-ca-file="$PKI/ca.crt" \
    --service-account-private-key-file="$PKI/sa.key" \
    --use-service-account-credentials=true \
    --profiling=false
  start_daemon kube-scheduler \
    --kubeconfig="$CONF/scheduler.kubeconfig" \
    --authentication-kubeconfig="$CONF/scheduler.kubeconfig" \
    --authorization-kubeconfig="$CONF/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 \
    --leader-elect=false \
    --profiling=false
}

start_containerd() {
  mkdir -p "$K8S_STATE/containerd" "$K8S_RUN/containerd" "$RUNC_ROOT"
  start_daemon containerd --config "$CONF/containerd.toml"
  wait_for containerd 30 ctr version || k8s_die "containerd does not answer; log: $K8S_LOGS/containerd.log"
}

start_node() {
  mkdir -p "$K8S_STATE/kubelet"
  start_daemon kubelet \
    --config="$CONF/kubelet.yaml" \
    --kubeconfig="$CONF/kubelet.kubeconfig" \
    --root-dir="$K8S_STATE/kubelet" \
    --hostname-override="$NODE_NAME" \
    --node-ip="$NODE_IP"
  start_daemon kube-proxy --config="$CONF/kube-proxy.yaml"
}

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

coredns_ready() {
  [ "$(kubectl -n kube-system get deployment coredns -o 'jsonpath={.status.availableReplicas}')" = 1 ]
}

apply_addons() {
  sed -e "s|@CLUSTER_DOMAIN@|$CLUSTER_DOMAIN|g" -e "s|@DNS_SVC_IP@|$DNS_SVC_IP|g" \
    -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" "$HERE/coredns.yaml" |
    kubectl apply -f - >>"$K8S_LOGS/addons.log" 2>&1 ||
    k8s_die "kubectl apply of CoreDNS failed; log: $K8S_LOGS/addons.log"
}

# A throwaway pod: Running proves scheduling, the sandbox image, CNI and the runtime; a lookup
# from inside proves CoreDNS and kube-proxy's service routing; kubectl exec proves streaming.
check_pod() {
  local image=$PAUSE_IMAGE cmd=() ok=1
  if ctr images ls -q | grep -qxF "docker.io/prenv-test/busybox:1"; then
    image=prenv-test/busybox:1
    cmd=(--command -- sleep 600)
  fi
  wait_for "default service account" 60 kubectl -n default get serviceaccount default ||
    k8s_die "no default service account; log: $K8S_LOGS/kube-controller-manager.log"
  kubectl -n default delete pod prenv-k8s-check --ignore-not-found --grace-period=0 --force >/dev/null 2>&1 || true
  kubectl -n default run prenv-k8s-check --image="$image" --image-pull-policy=IfNotPresent \
    --restart=Never "${cmd[@]}" >/dev/null
  if ! kubectl -n default wait --for=condition=Ready pod/prenv-k8s-check --timeout=120s >/dev/null; then
    kubectl -n default describe pod prenv-k8s-check >&2 || true
    k8s_die "the test pod did not start; logs: $K8S_LOGS/kubelet.log, $K8S_LOGS/containerd.log"
  fi
  if [ "$image" = prenv-test/busybox:1 ]; then
    wait_for "DNS from a pod" 30 kubectl -n default exec prenv-k8s-check -- \
      nslookup "kubernetes.default.svc.$CLUSTER_DOMAIN" || ok=0
  fi
  kubectl -n default delete pod prenv-k8s-check --grace-period=0 --force >/dev/null 2>&1 || true
  [ "$ok" = 1 ] || k8s_die "a pod cannot resolve kubernetes.default.svc.$CLUSTER_DOMAIN; see $K8S_LOGS/"
}

# cluster_answers: every daemon runs, the apiserver is ready, the node Ready, CoreDNS available.
cluster_answers() {
  local d
  for d in "${DAEMONS[@]}"; do running "$d" || return 1; done
  [ -f "$KUBECONFIG_PATH" ] && kubectl get --raw /readyz >/dev/null 2>&1 && node_ready && coredns_ready
}

cmd_up() {
  need_root
  local t0=$SECONDS
  if [ -x "$K8S_BIN/kubectl" ] && cluster_answers; then
    k8s_log "already up ($KUBECONFIG_PATH)"
    return 0
  fi
  install_packages
  docker_answers || k8s_die "the Docker engine does not answer (scripts/install-docker.sh): it supplies the images"
  "$HERE/build.sh"
  # Whatever is left of an earlier cluster (a stopped daemon, a killed session) goes first.
  cmd_down quiet
  k8s_log "starting Kubernetes $K8S_VERSION (logs: $K8S_LOGS/)"
  mkdir -p "$K8S_STATE" "$K8S_RUN" "$K8S_LOGS"
  chmod 700 "$K8S_STATE"
  save_sysctls
  make_pki
  write_configs
  network_setup
  start_etcd
  start_apiserver
  start_controllers
  start_containerd
  build_images
  load_image "$PAUSE_IMAGE"
  load_image "$COREDNS_IMAGE"
  local image
  for image in prenv-test/busybox:1 prenv-test/debian:1; do
    if docker image inspect "$image" >/dev/null 2>&1; then load_image "$image"; fi
  done
  start_node
  wait_for "node Ready" 120 node_ready ||
    k8s_die "node $NODE_NAME is not Ready; log: $K8S_LOGS/kubelet.log"
  apply_addons
  wait_for CoreDNS 180 coredns_ready || {
    kubectl -n kube-system get pods -o wide >&2 || true
    k8s_die "CoreDNS is not available; logs: $K8S_LOGS/"
  }
  check_pod
  cp "$ADMIN_KUBECONFIG" "$KUBECONFIG_PATH.tmp"
  mv "$KUBECONFIG_PATH.tmp" "$KUBECONFIG_PATH"
  k8s_log "up in $((SECONDS - t0))s; kubeconfig: $KUBECONFIG_PATH"
}

# --- stop ------------------------------------------------------------------------------------

# Every process whose command line names our containerd socket: the shims of our pods.
shim_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    case $cmd in
      *containerd-shim*" -address $CONTAINERD_SOCK "* | *containerd-shim*" -address $CONTAINERD_SOCK") echo "${p#/proc/}" ;;
    esac
  done
}

# The cgroups (v1: one tree per controller) that the kubelet made for pods.
kubepods_cgroups() {
  local h
  for h in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$h" ] && printf '%s\n' "$h"
  done
  return 0
}

kill_pods() {
  local id ids=() pid cg i
  if [ -d "$RUNC_ROOT/k8s.io" ]; then
    mapfile -t ids < <(runc --root "$RUNC_ROOT/k8s.io" list -q 2>/dev/null)
    for id in "${ids[@]}"; do runc --root "$RUNC_ROOT/k8s.io" kill --all "$id" KILL 2>/dev/null || true; done
    for id in "${ids[@]}"; do runc --root "$RUNC_ROOT/k8s.io" delete --force "$id" 2>/dev/null || true; done
  fi
  # Anything still in a pod's cgroup (a process runc no longer knew of).
  for i in 1 2 3; do
    local left=0
    while read -r cg; do
      while read -r pid; do
        [ -n "$pid" ] || continue
        kill -KILL "$pid" 2>/dev/null || true
        left=1
      done < <(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
    done < <(kubepods_cgroups)
    [ "$left" = 1 ] || break
    sleep 0.5
  done
  # The shims have nothing left to look after.
  for pid in $(shim_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  # A shim killed this way leaves its socket behind (containerd names it after a hash of its own
  # address, the namespace and the sandbox id).
  for id in "${ids[@]}"; do
    rm -f "/run/containerd/s/$(printf '%s' "$CONTAINERD_SOCK/k8s.io/$id" | sha256sum | cut -c1-64)"
  done
}

# mounts_under DIR...: mount points at or below the DIRs, deepest first.
mounts_under() {
  awk -v dirs="$*" '
    BEGIN { n = split(dirs, d, " ") }
    { p = $5; gsub(/\\040/, " ", p); for (i = 1; i <= n; i++) if (index(p "/", d[i] "/") == 1) { print p; break } }
  ' /proc/self/mountinfo | sort -r
}

unmount_all() {
  local m
  for _ in 1 2 3 4 5; do
    mapfile -t ms < <(mounts_under "$K8S_STATE" "$K8S_RUN")
    [ "${#ms[@]}" -gt 0 ] || return 0
    for m in "${ms[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done
  [ -z "$(mounts_under "$K8S_STATE" "$K8S_RUN")" ] ||
    k8s_die "mounts remain under $K8S_STATE or $K8S_RUN: $(mounts_under "$K8S_STATE" "$K8S_RUN" | tr '\n' ' ')"
}

# iptables_cleanup TOOL: removes, for iptables or ip6tables, the chains named KUBE-* (kubelet,
# kube-proxy) and $FORWARD_CHAIN, the CNI chains of our network (their rules carry its name in a
# comment), portmap's shared chains when no other CNI network uses them, and every rule that
# jumps to one of those or carries our network's name.
iptables_cleanup() {
  local tool=$1 table script line
  command -v "$tool-save" >/dev/null || return 0
  for table in filter nat mangle raw; do
    script=$("$tool-save" -t "$table" 2>/dev/null | awk -v net="\\\\\"$CNI_NETWORK\\\\\"" -v own="$FORWARD_CHAIN" '
      /^:/ { name = substr($1, 2); chains[name] = 1; order[++n] = name; next }
      /^-A / {
        rules[++r] = $0; chain_of[r] = $2
        # A chain is of our network when one of its rules names it, or when such a rule jumps to
        # it (the CNI-DN-* chains of portmap carry the name only on the jump).
        if (index($0, net)) { ours[$2] = 1; if (match($0, / -[jg] [^ ]+/)) ours[substr($0, RSTART + 4, RLENGTH - 4)] = 1 }
        next
      }
      END {
        for (c in chains) {
          if (c ~ /^KUBE-/ || c == own || (c ~ /^CNI-/ && c !~ /^CNI-HOSTPORT-/ && ours[c])) doomed[c] = 1
        }
        foreign_dn = 0
        for (c in chains) if (c ~ /^CNI-DN-/ && !doomed[c]) foreign_dn = 1
        if (!foreign_dn) for (c in chains) if (c ~ /^CNI-HOSTPORT-/) doomed[c] = 1
        for (i = 1; i <= r; i++) {
          if (doomed[chain_of[i]]) continue
          nf = split(rules[i], f, " ")
          target = ""
          for (j = 1; j < nf; j++) if (f[j] == "-j" || f[j] == "-g") target = f[j + 1]
          if (doomed[target] || index(rules[i], net)) { sub(/^-A /, "-D ", rules[i]); print rules[i] }
        }
        for (i = 1; i <= n; i++) if (doomed[order[i]]) print "-F " order[i]
        for (i = 1; i <= n; i++) if (doomed[order[i]]) print "-X " order[i]
      }')
    [ -n "$script" ] || continue
    # One transaction; should any line not apply, line by line, so that the rest still goes.
    if ! printf '*%s\n%s\nCOMMIT\n' "$table" "$script" | "$tool-restore" --noflush 2>/dev/null; then
      while IFS= read -r line; do
        printf '*%s\n%s\nCOMMIT\n' "$table" "$line" | "$tool-restore" --noflush 2>/dev/null ||
          k8s_log "warning: $tool -t $table: could not apply: $line"
      done <<<"$script"
    fi
  done
}

network_cleanup() {
  local v
  if ip link show "$CNI_BRIDGE" >/dev/null 2>&1; then
    for v in $(ip -o link show master "$CNI_BRIDGE" | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
      ip link del "$v" 2>/dev/null || true
    done
    ip link del "$CNI_BRIDGE" 2>/dev/null || true
  fi
  if [ -x "$K8S_BIN/kube-proxy" ]; then
    timeout 60 "$K8S_BIN/kube-proxy" --cleanup >>"$K8S_LOGS/kube-proxy-cleanup.log" 2>&1 || true
  fi
  iptables_cleanup iptables
  iptables_cleanup ip6tables
  ip addr del "$NODE_IP/32" dev lo 2>/dev/null || true
}

cgroups_cleanup() {
  local cg
  while read -r cg; do
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done < <(kubepods_cgroups)
}

cmd_down() {
  need_root
  local quiet=${1:-} d i
  [ -n "$quiet" ] || k8s_log "stopping the cluster"
  mkdir -p "$K8S_LOGS"
  # The kubelet first, so that it restarts nothing; containerd last, after its pods. The state goes
  # with the cluster, so nothing needs a long graceful stop (kube-apiserver lingers after it stopped
  # serving).
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    d=${DAEMONS[i]}
    [ "$d" = containerd ] || stop_daemon "$d" 5
  done
  kill_pods
  stop_daemon containerd 15
  kill_pods
  unmount_all
  network_cleanup
  cgroups_cleanup
  restore_sysctls
  if [ -d /var/log/containers ]; then
    find /var/log/containers -maxdepth 1 -type l -lname "$POD_LOGS/*" -delete 2>/dev/null || true
    rmdir /var/log/containers 2>/dev/null || true
  fi
  rm -rf --one-file-system "$K8S_STATE" "$K8S_RUN"
  [ -n "$quiet" ] || k8s_log "down"
}

# --- status ----------------------------------------------------------------------------------

cmd_status() {
  local d pid up=1
  for d in "${DAEMONS[@]}"; do
    if pid=$(pid_of "$d"); then
      printf '%-24s running (pid %s)\n' "$d" "$pid"
    else
      printf '%-24s stopped\n' "$d"
      up=0
    fi
  done
  printf '%-24s %s\n' "shims" "$(shim_pids | wc -l)"
  if [ -f "$ADMIN_KUBECONFIG" ] && [ -x "$K8S_BIN/kubectl" ] && kubectl get --raw /readyz >/dev/null 2>&1; then
    if [ -f "$KUBECONFIG_PATH" ]; then
      printf '%-24s %s\n\n' kubeconfig "$KUBECONFIG_PATH"
    else
      printf '%-24s %s\n\n' kubeconfig "not published yet (up has not finished)"
      up=0
    fi
    kubectl get nodes -o wide
    echo
    kubectl get pods -A -o wide
  else
    echo "kube-apiserver does not answer"
    up=0
  fi
  [ "$up" = 1 ]
}

cmd_kubeconfig() {
  [ -f "$KUBECONFIG_PATH" ] || k8s_die "no cluster: run test/k8s/cluster.sh up"
  printf '%s\n' "$KUBECONFIG_PATH"
}

cmd_load_image() {
  need_root
  [ "$#" -gt 0 ] || k8s_die "usage: cluster.sh load-image IMAGE..."
  running containerd || k8s_die "the cluster's containerd does not run: test/k8s/cluster.sh up"
  local image
  for image in "$@"; do load_image "$image"; done
}

# One cluster.sh changing the cluster at a time.
lock() {
  exec 8>/run/prenv-k8s.lock
  flock 8
}

case ${1:-} in
  up)
    lock
    cmd_up
    ;;
  down)
    lock
    cmd_down
    ;;
  status) cmd_status ;;
  kubeconfig) cmd_kubeconfig ;;
  load-image)
    shift
    lock
    cmd_load_image "$@"
    ;;
  -h | --help)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
    ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
    ;;
esac

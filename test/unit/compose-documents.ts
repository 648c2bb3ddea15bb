/**
 * Compose documents that are valid or invalid by the official Compose JSON Schema, shared by
 * the schema oracle (compose-oracle.test.ts) and the comparison with Docker Compose itself
 * (compose-reference.test.ts). They stay within what the schema can judge (no missing bind
 * paths, no dependency cycles, no variables) and the valid ones use `image:`.
 */
export type Doc = Record<string, unknown>;
const svc = (service: Doc, rest: Doc = {}): Doc => ({ services: { web: { image: "nginx", ...service } }, ...rest });

export const valid: [string, Doc][] = [
  ["the smallest project", { services: { web: { image: "nginx" } } }],
  ["name and the deprecated version", { version: "3.9", name: "shop", services: { web: { image: "nginx" } } }],
  ["ports as numbers, strings and the long form", svc({ ports: [80, "8080:80", "127.0.0.1:53:53/udp", { target: 443, published: "8443", protocol: "tcp", mode: "host" }] })],
  ["environment as a mapping of scalars", svc({ environment: { A: "x", B: 1, C: true, D: null } })],
  ["environment as a list", svc({ environment: ["A=x", "B"] })],
  ["command as a string, entrypoint as a list", svc({ command: "npm start", entrypoint: ["tini", "--"] })],
  ["command null", svc({ command: null })],
  ["depends_on as a list", { services: { db: { image: "postgres" }, web: { image: "nginx", depends_on: ["db"] } } }],
  [
    "depends_on in the long form",
    {
      services: {
        db: { image: "postgres" },
        init: { image: "busybox" },
        web: {
          image: "nginx",
          depends_on: { db: { condition: "service_healthy", restart: true }, init: { condition: "service_completed_successfully", required: false } },
        },
      },
    },
  ],
  ["a full healthcheck", svc({ healthcheck: { test: ["CMD", "curl", "-f", "http://localhost"], interval: "10s", timeout: "2s", retries: 3, start_period: "5s", start_interval: "1s" } })],
  ["a healthcheck with retries as a string", svc({ healthcheck: { test: "curl -f localhost", retries: "5" } })],
  ["a disabled healthcheck", svc({ healthcheck: { disable: true } })],
  ["named volumes, anonymous volumes and tmpfs", svc({ volumes: ["data:/data", "/cache", { type: "tmpfs", target: "/tmp" }, { type: "volume", source: "data", target: "/more" }] }, { volumes: { data: null } })],
  ["networks with aliases", svc({ networks: { front: { aliases: ["www"] }, back: null } }, { networks: { front: {}, back: { internal: true } } })],
  ["external network and volume", svc({ networks: ["corp"], volumes: ["shared:/shared"] }, { networks: { corp: { external: true, name: "corp-net" } }, volumes: { shared: { external: true } } })],
  ["labels as a list, extra_hosts as a mapping", svc({ labels: ["team=core"], extra_hosts: { "db.local": "10.0.0.5", multi: ["10.0.0.6", "10.0.0.7"] } })],
  ["extra_hosts as a list", svc({ extra_hosts: ["db.local:10.0.0.5"] })],
  ["x- extensions everywhere they are allowed", { "x-common": { a: 1 }, services: { web: { image: "nginx", "x-notes": "hi", healthcheck: { test: "true", "x-why": 1 } } } }],
  ["profiles", svc({ profiles: ["debug"] })],
  ["restart policies", { services: { a: { image: "x", restart: "on-failure:3" }, b: { image: "x", restart: "unless-stopped" } } }],
  ["env_file in the long form, optional and absent", svc({ env_file: [{ path: "absent.env", required: false }] })],
  ["build next to image", svc({ build: { context: ".", dockerfile: "Dockerfile", args: { V: "1" }, target: "prod" } })],
  ["scalar service settings", svc({ init: true, cap_add: ["NET_ADMIN"], tmpfs: "/run", stop_grace_period: "30s", user: "1000", working_dir: "/app", hostname: "web" })],
  ["expose as numbers and strings", svc({ expose: [3000, "4000"] })],
  ["extends within the file", { services: { base: { image: "node" }, web: { extends: { service: "base" } } } }],
  ["a key prenv ignores with a warning", svc({ container_name: "web-1", logging: { driver: "json-file" } })],
  ["service names with dots, dashes and underscores", { services: { "api.v2_blue-1": { image: "x" } } }],
];

export const invalid: [string, Doc][] = [
  ["a misspelt top-level key", { servics: { web: { image: "nginx" } } }],
  ["services as a list", { services: [{ image: "nginx" }] }],
  ["a misspelt service key", svc({ imagee: "nginx" })],
  ["user as a number", svc({ user: 1000 })],
  ["ports as a string", svc({ ports: "8080:80" })],
  ["command as a number", svc({ command: 5 })],
  ["environment as a number", svc({ environment: 3 })],
  ["environment with a mapping as a value", svc({ environment: { A: { nested: true } } })],
  ["healthcheck as a list", svc({ healthcheck: [] })],
  ["a misspelt healthcheck key", svc({ healthcheck: { test: "true", intervall: "5s" } })],
  ["healthcheck retries as a list", svc({ healthcheck: { test: "true", retries: [3] } })],
  ["healthcheck test as a number", svc({ healthcheck: { test: 1 } })],
  ["a depends_on condition that does not exist", { services: { db: { image: "x" }, web: { image: "x", depends_on: { db: { condition: "service_ready" } } } } }],
  ["a depends_on entry without a condition", { services: { db: { image: "x" }, web: { image: "x", depends_on: { db: { restart: true } } } } }],
  ["depends_on as a string", { services: { db: { image: "x" }, web: { image: "x", depends_on: "db" } } }],
  ["a misspelt key in a depends_on entry", { services: { db: { image: "x" }, web: { image: "x", depends_on: { db: { condition: "service_started", requird: true } } } } }],
  ["a long-form port with an unknown key", svc({ ports: [{ target: 80, publised: 8080 }] })],
  ["a long-form port with a list as target", svc({ ports: [{ target: [80] }] })],
  ["a mount type that does not exist", svc({ volumes: [{ type: "nfs", source: "x", target: "/x" }] })],
  ["a mount without a type", svc({ volumes: [{ source: "data", target: "/data" }] }, { volumes: { data: {} } })],
  ["restart as a number", svc({ restart: 1 })],
  ["profiles as a string", svc({ profiles: "debug" })],
  ["cap_add as a string", svc({ cap_add: "NET_ADMIN" })],
  ["labels as a number", svc({ labels: 5 })],
  ["expose as a number", svc({ expose: 80 })],
  ["extra_hosts as a string", svc({ extra_hosts: "db.local:10.0.0.5" })],
  ["working_dir as a number", svc({ working_dir: 5 })],
  ["stop_grace_period as a number", svc({ stop_grace_period: 10 })],
  ["env_file as a number", svc({ env_file: 5 })],
  ["entrypoint as a mapping", svc({ entrypoint: { run: "x" } })],
  ["a misspelt build key", svc({ build: { context: ".", dockerfil: "Dockerfile" } })],
  ["build as a number", svc({ build: 1 })],
  ["networks of a service as a string", svc({ networks: "front" }, { networks: { front: {} } })],
  ["a misspelt key of a service network", svc({ networks: { front: { alias: ["www"] } } }, { networks: { front: {} } })],
  ["top-level volumes as a list", svc({}, { volumes: ["data"] })],
  ["a misspelt key of a top-level network", svc({}, { networks: { front: { interna: true } } })],
  ["a service name with a space", { services: { "my web": { image: "nginx" } } }],
  ["a service that is a string", { services: { web: "nginx" } }],
  ["init as a number", svc({ init: 1 })],
  ["name as a number", { name: 5, services: { web: { image: "nginx" } } }],
];

import { main } from "./main.ts";

// Exit explicitly: idle sockets to the engine would otherwise keep Node alive.
main(process.argv.slice(2)).then((code) => process.exit(code));

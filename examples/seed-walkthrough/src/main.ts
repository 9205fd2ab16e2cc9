// Runs the seed walkthrough with the on-disk cache in ./.ham_cache (run it twice: the second run is all hits).
import { fileURLToPath } from "node:url";
import { runWalkthrough } from "./walkthrough.js";

const path = fileURLToPath(new URL("../.ham_cache", import.meta.url));
await runWalkthrough({ path });

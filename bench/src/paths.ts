// Where the repository is, for results, docs, the core's build and the Hamilton anchor.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

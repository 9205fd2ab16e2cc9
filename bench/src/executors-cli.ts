// `pnpm bench:executors`: the executors section alone, printed (HAM_REDIS_URL set for the BullMQ rows).
import { benchExecutors } from "./executors.js";

await benchExecutors((line) => console.log(line));

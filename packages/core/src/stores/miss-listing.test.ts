// FileFingerprintRepository on a lookup miss: a burst of misses shares one listing of meta/ (a cold
// run misses on every node), yet what another store of this process wrote, new lines of segments it
// knows, and (after MISS_LIST_MS) new segments of other processes are all found.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MISS_LIST_MS } from "./file-repository.js";
import { FileFingerprintRepository } from "./index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-miss-listing-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const meta = { node: "n", codeVersion: "v1", createdAt: 1 };

/** A repository in a new folder, and how many times the folder's meta/ was listed since. */
async function repository(dir = path.join(root, `c${++folders}`)) {
  const repo = new FileFingerprintRepository({ path: dir });
  await repo.open();
  const metaDir = path.join(dir, "meta");
  const readdir = fs.readdirSync;
  let listings = 0;
  const spy = vi.spyOn(fs, "readdirSync").mockImplementation(((folder: fs.PathLike, options?: unknown) => {
    if (path.resolve(String(folder)) === path.resolve(metaDir)) listings++;
    return (readdir as (f: fs.PathLike, o?: unknown) => string[])(folder, options);
  }) as typeof fs.readdirSync);
  return { repo, dir, metaDir, listings: () => listings, restore: () => spy.mockRestore() };
}

describe("FileFingerprintRepository: listing meta/ on a miss", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["performance"] }); // MISS_LIST_MS does not pass unless a test says so
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("a burst of misses lists the folder once, and again once MISS_LIST_MS has passed", async () => {
    const { repo, listings } = await repository();
    for (let i = 0; i < 50; i++) expect(await repo.get(`missing-${i}`)).toBeUndefined();
    expect(await repo.getMany(["m1", "m2"])).toEqual([undefined, undefined]);
    expect(listings()).toBe(1);
    vi.advanceTimersByTime(MISS_LIST_MS - 1);
    expect(await repo.get("missing-soon")).toBeUndefined();
    expect(listings()).toBe(1);
    vi.advanceTimersByTime(2);
    expect(await repo.get("missing-again")).toBeUndefined();
    expect(listings()).toBe(2);
  });

  it("what another store of this process wrote is found by the next miss, within MISS_LIST_MS", async () => {
    const { repo: b, dir } = await repository();
    const a = new FileFingerprintRepository({ path: dir });
    await a.open();
    expect(await b.get("late")).toBeUndefined(); // b lists the folder: a has no segment yet
    await a.set("late", "fpLate", meta); // a's first write starts a segment new to b
    expect(await b.get("late")).toBe("fpLate");
    await a.close();
    await b.close();
  });

  it("new lines in a segment it knows are read by every miss", async () => {
    const { repo, metaDir } = await repository();
    const foreign = path.join(metaDir, "00000000a-0ddba11a-1-0000abcd.log");
    fs.writeFileSync(foreign, `${JSON.stringify({ k: "first", f: "fp1", n: "n", v: "v1", t: 1, w: 1 })}\n`);
    vi.advanceTimersByTime(MISS_LIST_MS + 1);
    expect(await repo.get("first")).toBe("fp1"); // the listing finds the segment
    fs.appendFileSync(foreign, `${JSON.stringify({ k: "second", f: "fp2", n: "n", v: "v1", t: 2, w: 2 })}\n`);
    expect(await repo.get("second")).toBe("fp2"); // within MISS_LIST_MS: no listing, but the segment is read
  });

  it("a segment another process starts within MISS_LIST_MS is found once it has passed", async () => {
    const { repo, metaDir, listings } = await repository();
    expect(await repo.get("other")).toBeUndefined();
    fs.writeFileSync(
      path.join(metaDir, "00000000b-0ddba11a-2-0000abcd.log"),
      `${JSON.stringify({ k: "other", f: "fpO", n: "n", v: "v1", t: 1, w: 1 })}\n`,
    );
    expect(await repo.get("other")).toBeUndefined(); // as if that process had been a moment slower
    vi.advanceTimersByTime(MISS_LIST_MS + 1);
    expect(await repo.get("other")).toBe("fpO");
    expect(listings()).toBe(2);
  });
});

// file(path) inputs: nodes get the path, the cache key covers the content; strings naming files are warned about.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { RecordingLogger, memoryCache, tempFolder } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { ConfigurationError } from "../errors.js";
import { cache } from "../modifiers/cache.js";
import { hashingReady } from "../fingerprint/bytes.js";
import { FileHashes, type FileInput, RACY_MARGIN_MS, containsFileInput, file, isFileInput } from "./index.js";

type Row = { amount: number; ok: boolean };
let reads: string[] = [];
// README's first example, reading the file the `path` input names.
const readme = {
  raw: (path: string): Row[] => (
    reads.push(path),
    fs
      .readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => {
        const [amount, ok] = line.split(",");
        return { amount: Number(amount), ok: ok === "yes" };
      })
  ),
  cleaned: (raw: Row[]) => raw.filter((r) => r.ok),
  total: (cleaned: Row[]) => cleaned.reduce((s, r) => s + r.amount, 0),
  report: (total: number, currency = "EUR") => `${total.toFixed(2)} ${currency}`,
};

const folders: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.cleanup();
  reads = [];
});
const temp = (): string => {
  const folder = tempFolder("ham-files-");
  folders.push(folder);
  return folder.path;
};
beforeAll(() => hashingReady());

const outcomes = (lastRun: Record<string, { outcome: string }>) =>
  Object.fromEntries(Object.entries(lastRun).map(([name, record]) => [name, record.outcome]));

describe("README's example with file(path)", () => {
  it("after a row is appended, the nodes that read the file recompute and equal a fresh run; unchanged, all hit", async () => {
    const dir = temp();
    const csv = path.join(dir, "sales.csv");
    fs.writeFileSync(csv, "amount,ok\n10,yes\n5,no\n2.5,yes\n");
    const cacheDir = path.join(dir, ".ham_cache");
    const build = (logger = new RecordingLogger()) =>
      new Builder().withModules(readme).withCache({ path: cacheDir, logger }).build();
    const inputs = { path: file(csv) };

    const logger = new RecordingLogger();
    const dr = await build(logger);
    expect(await dr.execute(["report"], { inputs })).toEqual({ report: "12.50 EUR" });
    expect(await dr.execute(["report"], { inputs })).toEqual({ report: "12.50 EUR" });
    expect(outcomes(dr.cache.lastRun)).toEqual({
      path: "input",
      raw: "hit",
      cleaned: "hit",
      total: "hit",
      report: "hit",
    });
    expect(reads).toEqual([csv]); // the node received the path string

    fs.appendFileSync(csv, "7,yes\n");
    const warm = await (await build()).execute(["report"], { inputs });
    const fresh = await new Builder()
      .withModules(readme)
      .build()
      .then((plain) => plain.execute(["report"], { inputs }));
    expect(warm).toEqual({ report: "19.50 EUR" });
    expect(warm).toEqual(fresh);

    const again = await build();
    expect(await again.execute(["report"], { inputs })).toEqual(fresh);
    expect(outcomes(again.cache.lastRun)).toEqual({
      path: "input",
      raw: "hit",
      cleaned: "hit",
      total: "hit",
      report: "hit",
    });
    expect(logger.warnings).toEqual([]);
  });

  it("an edit that keeps the size recomputes too, and an edit back to the old content hits the old entry", async () => {
    const dir = temp();
    const csv = path.join(dir, "sales.csv");
    fs.writeFileSync(csv, "amount,ok\n10,yes\n");
    const dr = await new Builder().withModules(readme).withCache(memoryCache()).build();
    const run = () => dr.execute(["total"], { inputs: { path: file(csv) } });
    expect(await run()).toEqual({ total: 10 });
    fs.writeFileSync(csv, "amount,ok\n20,yes\n");
    expect(await run()).toEqual({ total: 20 });
    expect(dr.cache.lastRun.raw?.outcome).toBe("computed");
    fs.writeFileSync(csv, "amount,ok\n10,yes\n");
    expect(await run()).toEqual({ total: 10 });
    expect(dr.cache.lastRun.raw?.outcome).toBe("hit");
  });

  it("a string naming an existing file works but warns once, saying to use file()", async () => {
    const dir = temp();
    const csv = path.join(dir, "sales.csv");
    fs.writeFileSync(csv, "amount,ok\n10,yes\n");
    const stores = memoryCache();
    const dr = await new Builder().withModules(readme).withCache(stores).build();
    expect(await dr.execute(["total"], { inputs: { path: csv } })).toEqual({ total: 10 });
    await dr.execute(["total"], { inputs: { path: csv } });
    const other = path.join(dir, "other.csv");
    fs.writeFileSync(other, "amount,ok\n1,yes\n");
    await dr.execute(["total"], { inputs: { path: other } }); // another file under the same name: already told
    expect(stores.logger.warnings).toHaveLength(1);
    expect(stores.logger.warnings[0]).toContain(`input "path" is ${JSON.stringify(csv)}, which names an existing file`);
    expect(stores.logger.warnings[0]).toContain(`inputs: { path: file(${JSON.stringify(csv)}) }`);
    expect(stores.logger.warnings[0]).toContain(`withConfig({ path: file(`);
  });

  it("a folder named by an override is warned about with the override's fix", async () => {
    const dir = temp();
    const stores = memoryCache();
    const dr = await new Builder()
      .withModules({ source: () => "x", size: (source: string) => source.length })
      .withCache(stores)
      .build();
    await dr.execute(["size"], { overrides: { source: dir } });
    expect(stores.logger.warnings).toHaveLength(1);
    expect(stores.logger.warnings[0]).toContain(
      `override "source" is ${JSON.stringify(dir)}, which names an existing folder`,
    );
    expect(stores.logger.warnings[0]).toContain(`overrides: { source: file(${JSON.stringify(dir)}) }`);
  });

  it("strings that name nothing on disk, and file() values, are not warned about", async () => {
    const stores = memoryCache();
    const dr = await new Builder()
      .withModules({ shout: (word: string) => word.toUpperCase() })
      .withCache(stores)
      .build();
    await dr.execute(["shout"], { inputs: { word: "no-such-file-here.csv" } });
    const csv = path.join(temp(), "real.csv");
    fs.writeFileSync(csv, "x");
    await dr.execute(["shout"], { inputs: { word: file(csv) } });
    expect(stores.logger.warnings).toEqual([]);
  });
});

describe("file() values", () => {
  it("as config and as an override: nodes get the path, the key covers the content", async () => {
    const dir = temp();
    const a = path.join(dir, "a.txt");
    fs.writeFileSync(a, "one");
    const flow = {
      text: (source: string) => fs.readFileSync(source, "utf8"),
      size: (text: string) => text.length,
      echo: (text: string) => text,
    };
    const dr = await new Builder()
      .withModules(flow)
      .withConfig({ source: file(a) })
      .withCache(memoryCache())
      .build();
    expect(await dr.execute<"size" | "source">(["size", "source"])).toEqual({ size: 3, source: a });
    fs.writeFileSync(a, "three");
    expect(await dr.execute(["size"])).toEqual({ size: 5 });
    const b = path.join(dir, "b.txt");
    fs.writeFileSync(b, "x");
    expect(await dr.execute(["echo"], { overrides: { text: file(b) } })).toEqual({ echo: b });
    fs.writeFileSync(b, "y");
    // The node sees the same path string, but the override's content changed: a miss, not a hit.
    expect(await dr.execute(["echo"], { overrides: { text: file(b) } })).toEqual({ echo: b });
    expect(dr.cache.lastRun.echo?.outcome).toBe("computed");
  });

  it("inside an array or object the node gets the FileInput, and the key still covers the content", async () => {
    const dir = temp();
    const [a, b] = ["a.txt", "b.txt"].map((name) => path.join(dir, name)) as [string, string];
    fs.writeFileSync(a, "1");
    fs.writeFileSync(b, "22");
    const flow = {
      sizes: (sources: { files: FileInput[] }) => sources.files.map((f) => fs.readFileSync(f.path, "utf8").length),
    };
    const dr = await new Builder().withModules(flow).withCache(memoryCache()).build();
    const inputs = { sources: { files: [file(a), file(b)] } };
    expect(await dr.execute(["sizes"], { inputs })).toEqual({ sizes: [1, 2] });
    expect(await dr.execute(["sizes"], { inputs })).toEqual({ sizes: [1, 2] });
    expect(dr.cache.lastRun.sizes?.outcome).toBe("hit");
    fs.writeFileSync(b, "333");
    expect(await dr.execute(["sizes"], { inputs })).toEqual({ sizes: [1, 3] });
  });

  it("the path is part of the key: two files with equal content are different inputs", async () => {
    const dir = temp();
    for (const name of ["x.txt", "y.txt"]) fs.writeFileSync(path.join(dir, name), "same");
    const dr = await new Builder()
      .withModules({ label: (source: string) => path.basename(source) })
      .withCache(memoryCache())
      .build();
    expect(await dr.execute(["label"], { inputs: { source: file(path.join(dir, "x.txt")) } })).toEqual({
      label: "x.txt",
    });
    expect(await dr.execute(["label"], { inputs: { source: file(path.join(dir, "y.txt")) } })).toEqual({
      label: "y.txt",
    });
  });

  it("a missing file is an input too: creating it later is a miss", async () => {
    const dir = temp();
    const maybe = path.join(dir, "maybe.txt");
    const flow = { content: (source: string) => (fs.existsSync(source) ? fs.readFileSync(source, "utf8") : "(none)") };
    const dr = await new Builder().withModules(flow).withCache(memoryCache()).build();
    expect(await dr.execute(["content"], { inputs: { source: file(maybe) } })).toEqual({ content: "(none)" });
    fs.writeFileSync(maybe, "here");
    expect(await dr.execute(["content"], { inputs: { source: file(maybe) } })).toEqual({ content: "here" });
  });

  it("a folder: any change to a file, a name or the set of files below it is a miss", async () => {
    const dir = temp();
    const data = path.join(dir, "data");
    fs.mkdirSync(path.join(data, "2024"), { recursive: true });
    fs.writeFileSync(path.join(data, "2024", "jan.csv"), "1");
    fs.writeFileSync(path.join(data, "feb.csv"), "2");
    const listing = (folder: string): string[] =>
      fs
        .readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => `${e.name}:${fs.readFileSync(path.join(e.parentPath, e.name), "utf8")}`)
        .sort();
    const dr = await new Builder().withModules({ listing }).withCache(memoryCache()).build();
    const run = async () => (await dr.execute(["listing"], { inputs: { folder: file(data) } })).listing;
    expect(await run()).toEqual(["feb.csv:2", "jan.csv:1"]);
    expect(await run()).toEqual(["feb.csv:2", "jan.csv:1"]);
    expect(dr.cache.lastRun.listing?.outcome).toBe("hit");
    fs.writeFileSync(path.join(data, "2024", "jan.csv"), "9");
    expect(await run()).toEqual(["feb.csv:2", "jan.csv:9"]);
    fs.renameSync(path.join(data, "feb.csv"), path.join(data, "mar.csv"));
    expect(await run()).toEqual(["jan.csv:9", "mar.csv:2"]);
    fs.writeFileSync(path.join(data, "apr.csv"), "4");
    expect(await run()).toEqual(["apr.csv:4", "jan.csv:9", "mar.csv:2"]);
    expect(dr.cache.lastRun.listing?.outcome).toBe("computed");
  });

  it("takes a file: URL, and rejects what is not a path", () => {
    const where = path.join(temp(), "z.txt");
    expect(file(pathToFileURL(where)).path).toBe(where);
    expect(isFileInput(file("a.csv"))).toBe(true);
    expect(isFileInput({ path: "a.csv" })).toBe(false);
    expect(String(file("a.csv"))).toBe("a.csv");
    const cyclic: Record<string, unknown> = { list: [1, new Float64Array(3)] };
    cyclic["self"] = cyclic;
    expect(containsFileInput(cyclic)).toBe(false);
    expect(containsFileInput(new Map([["k", new Set([file("a.csv")])]]))).toBe(true);
    for (const bad of ["", 42, null, new URL("https://example.com/a.csv")]) {
      expect(() => file(bad as string)).toThrow(ConfigurationError);
    }
  });
});

describe("where the memo is kept", () => {
  it("beside the default file stores, but not for a signed cache", async () => {
    const dir = temp();
    const csv = path.join(dir, "sales.csv");
    fs.writeFileSync(csv, "amount,ok\n1,yes\n");
    for (const [name, extra] of [
      ["plain", {}],
      ["signed", { signingKey: "a-test-signing-key-of-32-bytes!!" }],
    ] as const) {
      const cachePath = path.join(dir, name);
      const dr = await new Builder()
        .withModules(readme)
        .withCache({ path: cachePath, logger: new RecordingLogger(), ...extra })
        .build();
      expect(await dr.execute(["total"], { inputs: { path: file(csv) } })).toEqual({ total: 1 });
      expect(fs.existsSync(path.join(cachePath, "file-hashes.json"))).toBe(name === "plain");
    }
  });
});

describe("cache({ files }): files a node reads by a fixed path", () => {
  it("their content is part of the node's key; explain names the file", async () => {
    const dir = temp();
    const rates = path.join(dir, "rates.json");
    fs.writeFileSync(rates, JSON.stringify({ eur: 1 }));
    const flow = {
      priced: cache({ files: [rates] })(
        (amount: number) => amount * (JSON.parse(fs.readFileSync(rates, "utf8")) as { eur: number }).eur,
      ),
    };
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ path: path.join(dir, ".ham_cache"), logger: new RecordingLogger() })
      .build();
    expect(await dr.execute(["priced"], { inputs: { amount: 10 } })).toEqual({ priced: 10 });
    expect(await dr.execute(["priced"], { inputs: { amount: 10 } })).toEqual({ priced: 10 });
    expect(dr.cache.lastRun.priced?.outcome).toBe("hit");
    fs.writeFileSync(rates, JSON.stringify({ eur: 2 }));
    expect(await dr.execute(["priced"], { inputs: { amount: 10 } })).toEqual({ priced: 20 });
    expect(String(await dr.cache.explain("priced"))).toContain(`"file:${rates}" changed`);
  });

  it("rejects what is not a list of paths", () => {
    expect(() => cache({ files: [] })).toThrow(/non-empty array of paths/);
    expect(() => cache({ files: "a.json" as never })).toThrow(/non-empty array of paths/);
    expect(() => cache({ files: [""] })).toThrow(ConfigurationError);
  });
});

describe("FileHashes (the stat memo)", () => {
  const later = () => Date.now() + 10 * RACY_MARGIN_MS;

  it("an unchanged file that last changed well before it was hashed is not read again", () => {
    const target = path.join(temp(), "big.bin");
    fs.writeFileSync(target, Buffer.alloc(3 << 20, 7));
    const hashes = new FileHashes({ now: later });
    const first = hashes.digest(target);
    expect(hashes.digest(target)).toBe(first);
    expect(hashes.reads).toBe(1);
  });

  it("a file hashed within the racy window is hashed again next time (a same-tick edit cannot hide)", () => {
    const target = path.join(temp(), "racy.txt");
    fs.writeFileSync(target, "aaaa");
    const hashes = new FileHashes(); // real clock: the file changed just now
    const first = hashes.digest(target);
    const { mtime } = fs.statSync(target);
    fs.writeFileSync(target, "bbbb");
    fs.utimesSync(target, mtime, mtime); // same size, same mtime: only the content tells
    expect(hashes.digest(target)).not.toBe(first);
    expect(hashes.reads).toBe(2);
  });

  it("a changed size, mtime or inode is hashed again; the memo file carries entries to a new process", () => {
    const dir = temp();
    const target = path.join(dir, "data.txt");
    fs.writeFileSync(target, "v1");
    const memoFile = path.join(dir, "memo", "file-hashes.json");
    const first = new FileHashes({ memoFile, now: later });
    const v1 = first.digest(target);
    first.save();
    const second = new FileHashes({ memoFile, now: later });
    expect(second.digest(target)).toBe(v1);
    expect(second.reads).toBe(0);
    fs.writeFileSync(`${target}.new`, "v2");
    fs.renameSync(`${target}.new`, target); // a new inode
    expect(second.digest(target)).not.toBe(v1);
    expect(second.reads).toBe(1);
  });

  it.runIf(process.platform !== "win32")(
    "a FIFO in a folder is not read (only its kind counts)",
    { timeout: 5_000 },
    () => {
      const dir = temp();
      execFileSync("mkfifo", [path.join(dir, "pipe")]);
      fs.writeFileSync(path.join(dir, "a.txt"), "a");
      const started = Date.now();
      expect(new FileHashes().digest(dir)).toMatch(/^folder:/);
      expect(Date.now() - started).toBeLessThan(1_000);
    },
  );
});

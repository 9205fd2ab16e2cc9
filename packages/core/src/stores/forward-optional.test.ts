// forwardOptional: a decorator has an optional member exactly when the wrapped store has it, as its plan says.
import { describe, expect, it } from "vitest";
import type { ResultStore } from "../contracts.js";
import { forwardOptional } from "./forward-optional.js";

/** A store with `size` and `list` but no `getMany`, counting the calls it gets (and with which `this`). */
function innerStore() {
  const calls: string[] = [];
  const store: ResultStore = {
    name: "inner",
    has: async () => false,
    get: async () => undefined,
    set: async () => {},
    delete: async () => {},
    async size() {
      calls.push(`size on ${this === store ? "inner" : "something else"}`);
      return 42;
    },
    async *list() {
      calls.push("list");
      yield { key: "k", bytes: 1, lastAccess: 0 };
    },
  };
  return { store, calls };
}

class Decorator implements ResultStore {
  readonly name = "decorator";
  readonly getMany?: NonNullable<ResultStore["getMany"]>;
  readonly list?: NonNullable<ResultStore["list"]>;
  readonly size?: NonNullable<ResultStore["size"]>;
  readonly own: string[] = [];
  constructor(inner: ResultStore, plan: Parameters<typeof forwardOptional<ResultStore>>[2]) {
    forwardOptional<ResultStore>(this, inner, plan);
  }
  async open(): Promise<void> {
    this.own.push("open");
  }
  has = async () => true;
  get = async () => undefined;
  set = async () => {};
  delete = async () => {};
}

describe("forwardOptional", () => {
  it("forwards the members the inner store has, called on the inner store, and leaves out the ones it lacks", async () => {
    const { store, calls } = innerStore();
    const decorator = new Decorator(store, {
      open: "omit",
      close: "forward",
      getMany: "forward",
      list: "forward",
      size: "forward",
      setChunks: "omit",
    });
    expect(await decorator.size?.()).toBe(42);
    expect(calls).toEqual(["size on inner"]);
    expect(decorator.getMany).toBeUndefined();
    expect(Object.hasOwn(decorator, "close")).toBe(false);
    const listed = [];
    for await (const entry of decorator.list!()) listed.push(entry);
    expect(listed).toEqual([{ key: "k", bytes: 1, lastAccess: 0 }]);
  });

  it("keeps the decorator's own member for an omitted one, even when the inner store has it", async () => {
    const { store } = innerStore();
    const opened: string[] = [];
    const withOpen: ResultStore = { ...store, open: async () => void opened.push("inner open") };
    const decorator = new Decorator(withOpen, {
      open: "omit",
      close: "omit",
      getMany: "omit",
      list: "omit",
      size: "omit",
      setChunks: "omit",
    });
    await decorator.open();
    expect(decorator.own).toEqual(["open"]);
    expect(opened).toEqual([]);
    expect(decorator.size).toBeUndefined();
  });

  it("wraps a member with the plan's function, which receives the inner method; absent members are not wrapped", async () => {
    const { store, calls } = innerStore();
    const wrapped: string[] = [];
    const decorator = new Decorator(store, {
      open: "omit",
      close: "forward",
      getMany: (getMany) => {
        wrapped.push("getMany");
        return getMany;
      },
      list: "forward",
      size: (size) => async () => (await size()) + 1,
      setChunks: "omit",
    });
    expect(await decorator.size?.()).toBe(43);
    expect(calls).toEqual(["size on inner"]);
    expect(wrapped).toEqual([]);
    expect(decorator.getMany).toBeUndefined();
  });

  it("looks the inner method up at call time, as a hand-written forward would", async () => {
    const { store } = innerStore();
    const decorator = new Decorator(store, {
      open: "omit",
      close: "omit",
      getMany: "omit",
      list: "omit",
      size: "forward",
      setChunks: "omit",
    });
    store.size = async () => 7;
    expect(await decorator.size?.()).toBe(7);
  });

  it("makes a plan that forgets an optional member a type error", () => {
    const { store } = innerStore();
    // @ts-expect-error — `size` is missing: every optional member of ResultStore needs a decision
    const plan: Parameters<typeof forwardOptional<ResultStore>>[2] = {
      open: "omit",
      close: "omit",
      getMany: "omit",
      list: "omit",
    };
    expect(() => new Decorator(store, plan)).not.toThrow();
  });
});

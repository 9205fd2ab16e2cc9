// PlanCache: one plan per request shape (outputs, input names, override names), never one for a request that failed.
import { describe, expect, it } from "vitest";
import type { ExecutionPlan } from "./plan.js";
import { PlanCache } from "./plan-cache.js";

const emptyPlan = (): ExecutionPlan => ({
  nodes: [],
  inputs: [],
  overrides: [],
  waits: [],
  dependents: [],
  dependencyNames: [],
});

describe("PlanCache", () => {
  it("plans a shape once and hands the same plan back", () => {
    const plans = new PlanCache();
    let made = 0;
    const make = () => (made++, emptyPlan());
    const first = plans.plan(["C"], ["x"], [], make);
    expect(plans.plan(["C"], ["x"], [], make)).toBe(first);
    expect(made).toBe(1);
  });

  it("a different output, input name or override name is a different shape", () => {
    const plans = new PlanCache();
    let made = 0;
    const make = () => (made++, emptyPlan());
    plans.plan(["C"], [], [], make);
    plans.plan(["D"], [], [], make);
    plans.plan(["C"], ["x"], [], make);
    plans.plan(["C"], [], ["x"], make);
    expect(made).toBe(4);
  });

  it("names that run together never collide: [a|b] is not [a, b], and an input is not an override", () => {
    const plans = new PlanCache();
    let made = 0;
    const make = () => (made++, emptyPlan());
    plans.plan(["a|1:b"], [], [], make);
    plans.plan(["a", "b"], [], [], make);
    plans.plan(["a"], ["b"], [], make);
    plans.plan(["a"], [], ["b"], make);
    plans.plan(["a", "b"], [], [], make);
    expect(made).toBe(4);
  });

  it("a request whose planning throws is not remembered: it throws again", () => {
    const plans = new PlanCache();
    let calls = 0;
    const failing = (): ExecutionPlan => {
      calls++;
      throw new Error("no such node");
    };
    expect(() => plans.plan(["nope"], [], [], failing)).toThrow("no such node");
    expect(() => plans.plan(["nope"], [], [], failing)).toThrow("no such node");
    expect(calls).toBe(2);
    expect(plans.size).toBe(0);
  });

  it("keeps at most 64 plans, forgetting the oldest first", () => {
    const plans = new PlanCache();
    for (let i = 0; i < 100; i++) plans.plan([`n${i}`], [], [], emptyPlan);
    expect(plans.size).toBe(64);
    let made = 0;
    plans.plan(["n99"], [], [], () => (made++, emptyPlan()));
    plans.plan(["n0"], [], [], () => (made++, emptyPlan()));
    expect(made).toBe(1);
  });
});

// Dependency layers of the monorepo, checked by `pnpm deps:check` (and CI). CONTRIBUTING.md draws them.
// Inside @ham/core, from the bottom: contracts.ts and errors.ts; then graph, fingerprint, codec, stores,
// files, identity, modifiers, security; then caching, execution, lifecycle, progress, logging; then driver;
// index.ts and exports/ on top; no file or folder cycles. Packages use each other only through their
// package names. Tests (*.test.ts, test-helpers.ts) are not cruised: they may use any layer.
const CORE = "^packages/core/src/";
const TESTS = "(\\.test(-d)?\\.ts|\\.bench\\.ts|(^|/)test-helpers\\.ts)$";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes every file in it depend on all the others: split the shared part out, or pass it in.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-circular-folders",
      severity: "error",
      comment: "Folders depend one way: when two folders need each other, the shared part belongs in a lower one.",
      scope: "folder",
      from: { path: CORE },
      to: { circular: true },
    },
    {
      name: "contracts-at-the-bottom",
      severity: "error",
      comment: "contracts.ts and errors.ts are what every layer builds on; they import nothing else from core.",
      from: { path: `${CORE}(contracts|errors)\\.ts$` },
      to: { path: CORE, pathNot: `${CORE}(contracts|errors)\\.ts$` },
    },
    {
      name: "stores-never-import-caching",
      severity: "error",
      comment:
        "Stores are below the cache: they know the contracts, never the cache, driver or lifecycle that use them.",
      from: { path: `${CORE}stores/` },
      to: { path: `${CORE}(caching|driver|lifecycle|progress|execution)/` },
    },
    {
      name: "driver-knows-caching-only-through-contracts",
      severity: "error",
      comment:
        "The driver talks to the cache through the contracts (GraphCache, Adapter, CachingStrategy, …); it names only the caching layer's entry (caching/index.ts: createCache() for withCache(), the SmartCache type as dr.cache's default) and the options type.",
      from: { path: `${CORE}driver/` },
      to: { path: `${CORE}caching/`, pathNot: `${CORE}caching/(options|index)\\.ts$` },
    },
    {
      name: "lower-layers-never-import-upper",
      severity: "error",
      comment:
        "graph, fingerprint, codec, stores, files, identity, modifiers and security sit below caching, execution, lifecycle, progress, logging and driver.",
      from: {
        path: `${CORE}(graph|fingerprint|codec|stores|files|identity|modifiers|security)/`,
      },
      to: { path: `${CORE}(caching|execution|lifecycle|progress|driver|exports|testing)/|${CORE}index\\.ts$` },
    },
    {
      name: "only-the-entry-points-import-exports",
      severity: "error",
      comment:
        "src/index.ts and src/exports/* are the public entry points: code inside core imports the module itself.",
      from: { path: CORE, pathNot: `${CORE}(index\\.ts$|exports/)` },
      to: { path: `${CORE}(exports/|index\\.ts$)` },
    },
    {
      name: "no-reaching-into-another-package",
      severity: "error",
      comment:
        "A package or example uses another package through its name (@ham/core, @ham/core/testing), never by a relative path into its src/.",
      from: { path: "^(packages|examples)/([^/]+)/" },
      to: { dependencyTypes: ["local"], path: "^packages/[^/]+/src/", pathNot: "^$1/$2/" },
    },
    {
      name: "bench-reaches-into-no-package",
      severity: "error",
      comment: "The bench uses the packages through their names, never by a relative path into their folders.",
      from: { path: "^bench/" },
      to: { dependencyTypes: ["local"], path: "^packages/[^/]+/src/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: [`(^|/)(node_modules|dist|\\.ham_cache|\\.services|docs/api)/`, TESTS] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      conditionNames: ["@ham/source", "import", "require", "node", "default"],
      exportsFields: ["exports"],
      mainFields: ["module", "main", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

// Names of the helpers compilers put at the top of a module (esbuild's `__name`, `__defProp`, tsc's
// `__awaiter`, `__importStar`): part of the compiler, not of the user's code, so never followed.

const HELPERS = new Set([
  // esbuild
  "__name",
  "__defProp",
  "__defNormalProp",
  "__getOwnPropNames",
  "__getOwnPropDesc",
  "__getOwnPropSymbols",
  "__hasOwnProp",
  "__propIsEnum",
  "__export",
  "__copyProps",
  "__toESM",
  "__toCommonJS",
  "__reExport",
  "__publicField",
  "__privateGet",
  "__privateAdd",
  "__privateSet",
  "__privateMethod",
  "__privateWrapper",
  "__async",
  "__spreadValues",
  "__spreadProps",
  "__objRest",
  "__require",
  "__commonJS",
  "__esm",
  "__getProtoOf",
  "__create",
  "__knownSymbol",
  "__template",
  "__decorateClass",
  "__decoratorStart",
  // tsc
  "__awaiter",
  "__generator",
  "__rest",
  "__assign",
  "__spreadArray",
  "__importDefault",
  "__importStar",
  "__createBinding",
  "__setModuleDefault",
  "__exportStar",
  "__classPrivateFieldGet",
  "__classPrivateFieldSet",
  "__classPrivateFieldIn",
  "__decorate",
  "__metadata",
  "__param",
  "__esDecorate",
  "__runInitializers",
  "__propKey",
  "__setFunctionName",
  "__addDisposableResource",
  "__disposeResources",
  "__extends",
  "__values",
  "__read",
  "__makeTemplateObject",
  "__asyncValues",
  "__await",
  "__asyncGenerator",
  "__asyncDelegator",
  "__rewriteRelativeImportExtension",
]);

/** True for a compiler helper's name (also swc's `_define_property`, `_async_to_generator`, … when inlined). */
export function isCompilerHelper(name: string): boolean {
  return (
    HELPERS.has(name) ||
    /^_(define_property|async_to_generator|object_spread(_props)?|object_without_properties(_loose)?|interop_require_(default|wildcard)|export_star|ts_decorate|ts_metadata|ts_param|class_private_field_\w+|_export)$/.test(
      name,
    )
  );
}

/** `__name(fn, "fn")` (esbuild's keepNames): the function inside; anything else as it is. */
export function withoutKeepName<T extends { type: string; callee?: unknown; arguments?: unknown }>(node: T): T {
  const call = node as unknown as { type: string; callee: { type: string; name?: string }; arguments: T[] };
  if (
    call.type === "CallExpression" &&
    call.callee.type === "Identifier" &&
    call.callee.name === "__name" &&
    call.arguments.length === 2
  ) {
    return call.arguments[0] as T;
  }
  return node;
}

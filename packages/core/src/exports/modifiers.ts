/**
 * `@ham/core/modifiers`: the function modifiers (also exported by `@ham/core`) with the types of their
 * arguments, for code that builds or wraps modifiers.
 * @packageDocumentation
 */
export {
  parameterize,
  value,
  source,
  extractFields,
  config,
  tag,
  cache,
  type BoundValue,
  type BoundSource,
  type Bindings,
  type FieldType,
  type FieldValue,
  type FieldValues,
  type ConfigMatch,
  type WhenOptions,
} from "../modifiers/index.js";

// Function modifiers: wrappers that annotate a function with how it becomes nodes (public names).
export { parameterize, value, source, type BoundValue, type BoundSource, type Bindings } from "./parameterize.js";
export { extractFields, type FieldType, type FieldValue, type FieldValues } from "./extract-fields.js";
export { config, type ConfigMatch, type WhenOptions } from "./config.js";
export { tag } from "./tag.js";
export { cache } from "./cache.js";

// tag: attaches string tags to a node, for listing and filtering (dr.listAvailableVariables({ tag })).
import { ConfigurationError } from "../errors.js";
import { type AnyFunction, withSpec } from "../graph/node-spec.js";
import { describeArgument, isPlainObject } from "./shared.js";

/**
 * `tag({ owner: "data", pii: "false" })(fn)`. Tags apply to every node the function makes
 * (parameterized and extracted ones too); of two tags with the same key the outer one (applied last) wins.
 */
export function tag(tags: Readonly<Record<string, string>>) {
  if (!isPlainObject(tags) || Object.keys(tags).length === 0) {
    throw new ConfigurationError(
      `tag(tags) needs an object of tag name → string, like { owner: "data" }, got ${describeArgument(tags)}`,
    );
  }
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== "string") {
      throw new ConfigurationError(
        `tag: "${key}" is ${describeArgument(value)}; tag values are strings (write ${JSON.stringify(String(value))})`,
      );
    }
  }
  const copy = { ...tags };
  return <F extends AnyFunction>(fn: F): F => withSpec(fn, { tags: copy });
}

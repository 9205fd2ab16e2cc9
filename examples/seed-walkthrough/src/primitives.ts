// The seed's "primitives" module: six functions, each a node; parameter names are dependencies.
import { type Table, tableFromArrays } from "apache-arrow";

export const A = (): number => 7;

export const B = (A: number): number => A * 1.0;

// D has a default, so it is an optional input: nobody provides it, the default applies.
export const C = (B: number, D = true): boolean => B !== Number(D);

export async function E(C: boolean): Promise<string> {
  return "hello-world";
}

export const F = (E: string): Record<string, string> => ({ [E]: E.repeat(3) });

export const G = (): Table => tableFromArrays({ a: Int32Array.from([323, 3235]), b: ["hello", "vorld"] });

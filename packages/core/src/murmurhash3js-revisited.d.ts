// Types for murmurhash3js-revisited, which ships none. It hashes bytes (not strings).
declare module "murmurhash3js-revisited" {
  interface Murmur {
    x86: {
      hash32(bytes: Uint8Array | number[], seed?: number): number;
      hash128(bytes: Uint8Array | number[], seed?: number): string;
    };
    x64: { hash128(bytes: Uint8Array | number[], seed?: number): string };
    inputValidation: boolean;
  }
  const murmur: Murmur;
  export default murmur;
}

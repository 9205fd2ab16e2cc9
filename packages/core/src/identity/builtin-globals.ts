// The globals every JavaScript realm has (Math, Date, JSON, …) and the ones Node adds (process,
// Buffer, fetch, …). A node reading any other global reads something a program installed.
import { runInNewContext } from "node:vm";

/** ECMAScript's own globals: what a fresh realm has. Their members are fixed unless a program patches them. */
export const LANGUAGE_GLOBALS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(runInNewContext("globalThis")));

const NODE_GLOBALS = [
  "AbortController", "AbortSignal", "Blob", "BroadcastChannel", "Buffer", "ByteLengthQueuingStrategy", "CompressionStream",
  "CountQueuingStrategy", "Crypto", "CryptoKey", "CustomEvent", "DOMException", "DecompressionStream", "Event", "EventTarget",
  "File", "FormData", "Headers", "MessageChannel", "MessageEvent", "MessagePort", "Navigator", "Performance", "PerformanceEntry",
  "PerformanceMark", "PerformanceMeasure", "PerformanceObserver", "PerformanceObserverEntryList", "PerformanceResourceTiming",
  "ReadableByteStreamController", "ReadableStream", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
  "ReadableStreamDefaultController", "ReadableStreamDefaultReader", "Request", "Response", "SubtleCrypto", "TextDecoder",
  "TextDecoderStream", "TextEncoder", "TextEncoderStream", "TransformStream", "TransformStreamDefaultController", "URL",
  "URLSearchParams", "WebSocket", "WritableStream", "WritableStreamDefaultController", "WritableStreamDefaultWriter",
  "__dirname", "__filename", "atob", "btoa", "clearImmediate", "clearInterval", "clearTimeout", "console", "crypto", "exports",
  "fetch", "global", "module", "navigator", "performance", "process", "queueMicrotask", "require", "setImmediate",
  "setInterval", "setTimeout", "structuredClone",
];

/** Globals of JavaScript and Node. */
export const RUNTIME_GLOBALS: ReadonlySet<string> = new Set([...LANGUAGE_GLOBALS, ...NODE_GLOBALS]);

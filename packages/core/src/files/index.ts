// Files and folders as cache inputs: file(path), their content digests, and the untracked-path warning.
export { FileInput, containsFileInput, file, isFileInput, nodeValueOf } from "./file-input.js";
export { FileHashes, RACY_MARGIN_MS, type FileHashesOptions, type ContentDigest } from "./file-hashes.js";
export { fileFingerprinter, untrackedPathWarning } from "./file-fingerprint.js";

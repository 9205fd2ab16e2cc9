// The suites pass on small reference implementations that follow the contract to the letter.
import { describeFingerprintRepository, describeResultStore } from "@ham/conformance";
import { ReferenceFingerprintRepository, ReferenceResultStore, referenceData } from "./reference-stores.js";

describeResultStore("reference", ({ namespace }) => new ReferenceResultStore(namespace), {
  snapshot: ({ namespace }) => referenceData(namespace),
});
describeFingerprintRepository("reference", ({ namespace }) => new ReferenceFingerprintRepository(namespace), {
  snapshot: ({ namespace }) => referenceData(namespace),
});

/**
 * The whole library and the component provider's entry point. Every component exported here becomes
 * `<package>:index:<Class>` in the schema `pulumi package add` generates SDKs from (the provider host
 * instantiates every exported ComponentResource class). Programs that use one cloud import its entry point
 * (`<package>/aws`, `/gcp`, `/azure`, plus `/core`, `/image` and the cloud-neutral `/facades`) and load no other
 * cloud's SDK.
 */
export * from "./core";
export * from "./image";
export * from "./aws";
export * from "./gcp";
export * from "./azure";
export * from "./facades";

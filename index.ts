/**
 * The package's root entry (`immutable-infra`): every component of every cloud. It is also where Pulumi's
 * component analyzer finds the TypeScript sources: package.json `main` names the compiled `dist/index.js`, which
 * the analyzer maps to `dist/index.ts` (absent) and then falls back to this file (tsconfig.json includes it).
 * A program that uses one cloud imports its entry instead (`immutable-infra/aws`, `/gcp`, `/azure`, `/core`,
 * `/image`) and loads no other cloud's SDK.
 */
export * from "./components";

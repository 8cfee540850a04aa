/**
 * The component library and the component provider's entry point (package.json `main`). Every component
 * exported here becomes `immutable:index:<Class>` in the schema `pulumi package add` generates SDKs from.
 * Export components, their args interfaces and enums only: the provider host instantiates every exported
 * ComponentResource class.
 */

// build once: registries and the golden container image (components/image/)

// release model (components/release/)
export { Cloud } from "./release/release";

// deploy targets (components/aws, components/gcp, components/azure)

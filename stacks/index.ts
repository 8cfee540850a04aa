// The Pulumi program of every shipped stack (Pulumi.yaml: main: stacks/). The stack's `immutable:kind`
// config selects the build stack or an environment stack; see stacks/program.ts.
import { program } from "./program";

export = program;

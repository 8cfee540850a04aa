/**
 * Answers the shared offline fakes (bin/lib/plan/fakes/) do not give, installed around the specs that need
 * them (a `before` / `after` pair per describe, nothing global), and a way to answer one call otherwise inside a
 * spec (a registry that lacks a digest). What a real provider says:
 * - `azure-native:managedidentity:getUserAssignedIdentity`: an existing identity has a principal id.
 */
import { CALL_RESULT } from "../../../bin/lib/mockState";

type Fn = (...args: any[]) => Record<string, unknown>;

/** The answers, by token. */
const CALLS: Record<string, Fn> = {
    "azure-native:managedidentity:getUserAssignedIdentity": (inputs: { resourceName: string }) => ({
        name: inputs.resourceName,
        principalId: "44444444-4444-4444-4444-444444444444",
        clientId: "55555555-5555-5555-5555-555555555555",
    }),
};

/** Installs the answers the shared fakes lack; returns the restore function. */
export function installMockAnswers(): () => void {
    const added = Object.keys(CALLS).filter((token) => CALL_RESULT[token] === undefined);
    for (const token of added) {
        CALL_RESULT[token] = CALLS[token] as (typeof CALL_RESULT)[string];
    }
    return () => {
        for (const token of added) {
            delete CALL_RESULT[token];
        }
    };
}

/** Installs the answers for the specs of the enclosing describe. */
export function useMockAnswers(): void {
    let restore: (() => void) | undefined;
    before(() => {
        restore = installMockAnswers();
    });
    after(() => restore?.());
}

/** Answers one call with `fn` while `body` runs (e.g. a registry that lacks a digest). */
export function withCallAnswer<T>(token: string, fn: Fn, body: () => Promise<T>): Promise<T> {
    const saved = CALL_RESULT[token];
    CALL_RESULT[token] = fn as (typeof CALL_RESULT)[string];
    return body().finally(() => {
        if (saved === undefined) {
            delete CALL_RESULT[token];
        } else {
            CALL_RESULT[token] = saved;
        }
    });
}

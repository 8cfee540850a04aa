/**
 * Push and pull credentials for an Azure Container Registry, minted by the program from the deployer's own
 * Entra ID token, so they exist as soon as the registry does (docker-build reads the host's credentials when
 * its provider starts, before a registry created in the same update exists; the admin user stays off and
 * azure-native cannot generate ACR token passwords, pulumi/pulumi-azure-native#3099).
 *
 * The exchange is ACR's documented one: POST `https://<registry>/oauth2/exchange` with
 * `grant_type=access_token&service=<registry>&tenant=<tenant>&access_token=<Entra token>` answers an ACR
 * refresh token, which docker accepts as the password of the user `00000000-0000-0000-0000-000000000000`
 * (https://learn.microsoft.com/rest/api/containerregistry/refresh-tokens/get-from-exchange,
 * https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md). The refresh token carries the deployer's own
 * rights on the registry (AcrPush to push, AcrPull to read), nothing more, and is never stored outside state
 * (a secret).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/** The docker user name of ACR refresh tokens. */
export const ACR_TOKEN_USER = "00000000-0000-0000-0000-000000000000";

/** One form POST: the status and the body text. */
export type FormPost = (url: string, form: Record<string, string>) => Promise<{ status: number; body: string }>;

/** The HTTP client of the exchange (a property, so specs can answer it without a network). */
export const acrTokenExchange: { post: FormPost } = {
    post: async (url, form) => {
        const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(form),
        });
        return { status: res.status, body: await res.text() };
    },
};

/** The exchange request for one registry: the URL and the form fields. */
export function acrExchangeRequest(
    server: string,
    tenant: string,
    entraToken: string,
): { url: string; form: Record<string, string> } {
    return {
        url: `https://${server}/oauth2/exchange`,
        form: { grant_type: "access_token", service: server, tenant, access_token: entraToken },
    };
}

/** Exchanges an Entra access token for an ACR refresh token; throws with ACR's own answer when it refuses. */
export async function exchangeEntraToken(server: string, tenant: string, entraToken: string): Promise<string> {
    const { url, form } = acrExchangeRequest(server, tenant, entraToken);
    const res = await acrTokenExchange.post(url, form);
    let refresh: unknown;
    try {
        refresh = (JSON.parse(res.body) as { refresh_token?: unknown }).refresh_token;
    } catch {
        refresh = undefined;
    }
    if (res.status !== 200 || typeof refresh !== "string" || refresh === "") {
        throw new Error(
            `ACR ${server} refused to exchange the deployer's Entra token for registry credentials (HTTP ${res.status}: ${res.body.slice(0, 200)}); the deployer needs AcrPush (to push) or AcrPull (to read) on the registry`,
        );
    }
    return refresh;
}

/** Registry credentials as docker takes them; both "" when the provider gave no Entra token. */
export interface AcrCredentials {
    username: pulumi.Output<string>;
    password: pulumi.Output<string>;
}

/**
 * Credentials for `server`, minted once the registry exists (the server name is an output of the registry).
 * Without an Entra token from the provider, both are "" and docker uses the host's (`az acr login`).
 */
export function acrCredentials(server: pulumi.Input<string>, parent?: pulumi.Resource): AcrCredentials {
    const client = authorization.getClientConfigOutput({ parent });
    const token = authorization.getClientTokenOutput({}, { parent });
    const refresh = pulumi
        .all([server, client.tenantId, token.token])
        .apply(([host, tenant, entra]) => (entra ? exchangeEntraToken(host, tenant, entra) : ""));
    return {
        username: refresh.apply((r) => (r ? ACR_TOKEN_USER : "")),
        password: pulumi.secret(refresh),
    };
}

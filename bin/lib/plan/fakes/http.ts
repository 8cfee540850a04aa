/**
 * HTTP calls a program makes while it runs (outside any provider): offline there is no network, so the few
 * documented exchanges programs make are answered here, and any other request fails with a message that names
 * it (reported as a gap). ACR's token exchange: https://learn.microsoft.com/rest/api/containerregistry/refresh-tokens/get-from-exchange.
 */
import { stableBase64 } from "./stable";

/** One answered request. */
export interface HttpFake {
    method: string;
    url: RegExp;
    answer(url: string, body: string): { status: number; body: string; contentType?: string };
}

/** The requests plan answers offline. */
export const HTTP_FAKES: HttpFake[] = [
    {
        method: "POST",
        url: /^https:\/\/[a-z0-9]+\.azurecr\.io\/oauth2\/exchange$/,
        answer: (url) => ({
            status: 200,
            contentType: "application/json",
            body: JSON.stringify({ refresh_token: `mock-acr-refresh-token.${stableBase64(url, 24)}` }),
        }),
    },
];

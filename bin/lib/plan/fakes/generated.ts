/**
 * Providers that generate values (@pulumi/random, @pulumi/tls) and images (@pulumi/docker-build, @pulumi/docker):
 * deterministic stand-ins of the right shape (length and character classes of a password, PEM armour of a
 * key, a sha256 digest of what is built). Values the real providers mark secret are secret here too
 * (https://www.pulumi.com/registry/packages/random/api-docs/randompassword/,
 * https://www.pulumi.com/registry/packages/tls/api-docs/privatekey/).
 */
import type { CallFake, ResourceFake } from "./common";
import { FAKE_TIME, secret, stableBase64, stableHash, stableUuid } from "./stable";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const SPECIAL_DEFAULT = "!@#$%&*()-_=+[]{}<>:?";

/** A deterministic random-looking string honouring random's length / character-class / minimum inputs. */
function randomString(name: string, inputs: Record<string, any>): string {
    const length = Number(inputs.length ?? 16);
    const classes: Array<[boolean, string, number]> = [
        [inputs.lower !== false, LOWER, Number(inputs.minLower ?? 0)],
        [inputs.upper !== false, UPPER, Number(inputs.minUpper ?? 0)],
        [inputs.numeric !== false && inputs.number !== false, DIGITS, Number(inputs.minNumeric ?? 0)],
        [inputs.special !== false, inputs.overrideSpecial ?? SPECIAL_DEFAULT, Number(inputs.minSpecial ?? 0)],
    ];
    const enabled = classes.filter(([on]) => on);
    const alphabet = enabled.map(([, chars]) => chars).join("") || LOWER;
    const out: string[] = [];
    // At least one of each enabled class (as the provider's defaults guarantee for passwords), then fill.
    for (const [, chars, min] of enabled) for (let i = 0; i < Math.max(min, 1); i++) out.push(chars);
    while (out.length < length) out.push(alphabet);
    return out
        .slice(0, Math.max(length, 1))
        .map((chars, i) => chars[parseInt(stableHash([name, inputs.keepers, i], 4), 16) % chars.length])
        .join("");
}

function pem(label: string, seed: unknown, bytes: number): string {
    const body = stableBase64(seed, bytes)
        .replace(/(.{64})/g, "$1\n")
        .replace(/\n$/, "");
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Computed outputs per resource type. */
export const GENERATED_RESOURCES: Record<string, ResourceFake> = {
    "random:index/randomPassword:RandomPassword": (name, inputs) => {
        const value = randomString(name, inputs);
        return {
            result: secret(value),
            bcryptHash: secret(`$2a$10$${stableBase64(["bcrypt", name], 40).replace(/[+/=]/g, ".").slice(0, 53)}`),
        };
    },
    "random:index/randomString:RandomString": (name, inputs) => ({ result: randomString(name, inputs) }),
    "random:index/randomId:RandomId": (name, inputs) => {
        const bytes = Number(inputs.byteLength ?? 8);
        const hex = stableHash(["id", name, inputs.keepers], bytes * 2);
        const b64 = Buffer.from(hex, "hex").toString("base64");
        return {
            hex: `${inputs.prefix ?? ""}${hex}`,
            b64Std: `${inputs.prefix ?? ""}${b64}`,
            b64Url: `${inputs.prefix ?? ""}${b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`,
            dec: `${inputs.prefix ?? ""}${BigInt(`0x${hex}`).toString()}`,
        };
    },
    "random:index/randomPet:RandomPet": (name, inputs) => {
        const words = ["able", "brave", "calm", "eager", "fond", "glad", "keen", "merry"];
        const pets = ["otter", "lynx", "heron", "koala", "panda", "falcon", "beaver", "badger"];
        const n = Number(inputs.length ?? 2);
        const parts = Array.from(
            { length: n },
            (_, i) => (i === n - 1 ? pets : words)[parseInt(stableHash([name, i], 2), 16) % 8],
        );
        return { id: [inputs.prefix, ...parts].filter(Boolean).join(inputs.separator ?? "-") };
    },
    "random:index/randomInteger:RandomInteger": (name, inputs) => {
        const min = Number(inputs.min ?? 0);
        const max = Number(inputs.max ?? min);
        const value = min + (parseInt(stableHash([name, inputs.keepers], 8), 16) % (max - min + 1));
        return { result: value };
    },
    "random:index/randomUuid:RandomUuid": (name, inputs) => ({ result: stableUuid(["uuid", name, inputs.keepers]) }),
    "random:index/randomShuffle:RandomShuffle": (name, inputs) => {
        const list: unknown[] = Array.isArray(inputs.inputs) ? [...inputs.inputs] : [];
        const sorted = list
            .map((v, i) => ({ v, k: stableHash([name, i]) }))
            .sort((a, b) => a.k.localeCompare(b.k))
            .map(({ v }) => v);
        return { results: inputs.resultCount ? sorted.slice(0, Number(inputs.resultCount)) : sorted };
    },
    "random:index/randomBytes:RandomBytes": (name, inputs) => {
        const hex = stableHash(["bytes", name], Number(inputs.length ?? 32) * 2);
        return { hex: secret(hex), base64: secret(Buffer.from(hex, "hex").toString("base64")) };
    },
    "tls:index/privateKey:PrivateKey": (name, inputs) => {
        const algorithm = inputs.algorithm ?? "RSA";
        const sha = stableBase64(["fp", name], 32).replace(/=+$/, "");
        return {
            privateKeyPem: secret(pem(algorithm === "RSA" ? "RSA PRIVATE KEY" : "PRIVATE KEY", ["key", name], 600)),
            privateKeyPemPkcs8: secret(pem("PRIVATE KEY", ["pkcs8", name], 600)),
            privateKeyOpenssh: secret(pem("OPENSSH PRIVATE KEY", ["ssh", name], 400)),
            publicKeyPem: pem("PUBLIC KEY", ["pub", name], 200),
            publicKeyOpenssh: `${algorithm === "ED25519" ? "ssh-ed25519" : algorithm === "ECDSA" ? "ecdsa-sha2-nistp256" : "ssh-rsa"} ${stableBase64(["sshpub", name], 200)}\n`,
            publicKeyFingerprintMd5: stableHash(["md5", name], 32).replace(/(..)(?!$)/g, "$1:"),
            publicKeyFingerprintSha256: `SHA256:${sha}`,
        };
    },
    "tls:index/selfSignedCert:SelfSignedCert": (name) => ({
        certPem: pem("CERTIFICATE", ["cert", name], 700),
        validityStartTime: FAKE_TIME,
        validityEndTime: "2027-01-01T00:00:00Z",
        readyForRenewal: false,
    }),
    "tls:index/certRequest:CertRequest": (name) => ({ certRequestPem: pem("CERTIFICATE REQUEST", ["csr", name], 500) }),
    "tls:index/locallySignedCert:LocallySignedCert": (name) => ({
        certPem: pem("CERTIFICATE", ["lcert", name], 700),
        validityStartTime: FAKE_TIME,
        validityEndTime: "2027-01-01T00:00:00Z",
        readyForRenewal: false,
    }),
    // A BuildKit build: the digest is a function of what is built (context, Dockerfile, target, platforms,
    // build args), never of where it is pushed, as with a real content-addressed build.
    "docker-build:index:Image": (_name, inputs) => {
        const digest = `sha256:${stableHash({
            context: inputs.context,
            dockerfile: inputs.dockerfile,
            target: inputs.target,
            platforms: inputs.platforms,
            buildArgs: inputs.buildArgs,
            labels: inputs.labels,
        })}`;
        const tags: string[] = Array.isArray(inputs.tags) ? inputs.tags : [];
        return {
            digest,
            ref: tags.length > 0 ? `${tags[0].replace(/:[^:/]+$/, "")}@${digest}` : "",
            contextHash: stableHash({ context: inputs.context, dockerfile: inputs.dockerfile }),
        };
    },
};

/** Results of provider functions of these providers by token. */
export const GENERATED_CALLS: Record<string, CallFake> = {
    // A registry answers a digest reference with that digest (a tag: a digest of the tag's name).
    "docker:index/getRegistryImage:getRegistryImage": (inputs) => {
        const pinned = /@(sha256:[0-9a-f]{64})$/.exec(String(inputs.name ?? ""));
        return {
            sha256Digest: pinned ? pinned[1] : `sha256:${stableHash(["tag", inputs.name])}`,
            id: String(inputs.name),
        };
    },
    "tls:index/getPublicKey:getPublicKey": (inputs) => ({
        publicKeyPem: pem("PUBLIC KEY", ["pub", inputs.privateKeyPem], 200),
        publicKeyOpenssh: `ssh-rsa ${stableBase64(["sshpub", inputs.privateKeyPem], 200)}\n`,
        publicKeyFingerprintSha256: `SHA256:${stableBase64(["fp", inputs.privateKeyPem], 32).replace(/=+$/, "")}`,
        algorithm: "RSA",
        id: stableHash(inputs, 16),
    }),
};

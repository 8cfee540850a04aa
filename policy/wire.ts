/**
 * The Pulumi engine's wire format for property values, as far as the pack, the offline evaluator and the
 * command line read it: the signature key of special objects (secrets, assets, archives, resource
 * references), the secret signature, and the unknown (computed) value of a preview. One module, everyone
 * imports it (the values are the SDK's `specialSigKey`, `specialSecretSig` and `unknownValue`).
 */

/** The wire-format signature key of secrets, assets, archives and resource references. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret: `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The wire-format unknown value (a computed value in a preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// The Pulumi resource protocol's special values, as they travel in a protobuf Struct
// (@pulumi/pulumi runtime/rpc.ts; the engine's resource/properties.go). Defined here once: the
// pack reads them, and the offline plan (tools/) writes and reads them the same way. The pack
// ships on its own, so it holds the definition; test/plan/wire.test.ts pins it to the SDK's.

/** The string the engine puts in place of a value unknown at preview. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Unknown values as the engine writes them per type (string, bool, number, array, asset,
 * archive, object): the first is the SDK's own.
 */
export const UNKNOWN_SENTINELS: readonly string[] = [
    UNKNOWN_SENTINEL,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/** The key that marks an object as a special value; its value says which. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** A secret: `{ [SIG_KEY]: SIG_SECRET, value }`. */
export const SIG_SECRET = "1b47061264138c4ac30d75fd1eb44270";
/** A resource reference (`urn`, `id`). */
export const SIG_RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e";
/** An output value (`value` when known, `secret`, `dependencies`). */
export const SIG_OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const SIG_ASSET = "c44067f5952c0a294b673a41bacd8c17";
export const SIG_ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7";

// The protocol's special values are defined once (policypack/lib/wire.ts); they must be the
// SDK's own, which the engine and every program use.
import * as assert from "assert";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as wire from "../../policypack/lib/wire";

describe("wire sentinels", () => {
    it("are the Pulumi SDK's", () => {
        assert.strictEqual(wire.UNKNOWN_SENTINEL, rpc.unknownValue);
        assert.strictEqual(wire.UNKNOWN_SENTINELS[0], rpc.unknownValue);
        assert.strictEqual(wire.SIG_KEY, rpc.specialSigKey);
        assert.strictEqual(wire.SIG_SECRET, rpc.specialSecretSig);
        assert.strictEqual(wire.SIG_RESOURCE_REF, rpc.specialResourceSig);
        assert.strictEqual(wire.SIG_OUTPUT, rpc.specialOutputValueSig);
        assert.strictEqual(wire.SIG_ASSET, rpc.specialAssetSig);
        assert.strictEqual(wire.SIG_ARCHIVE, rpc.specialArchiveSig);
    });
});

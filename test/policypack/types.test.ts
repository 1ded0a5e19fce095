// The type tokens the pack judges by (policypack/lib/types.ts) are the AWS provider's own: a
// misspelt token would let every resource of that type through.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { T } from "../../policypack/lib/types";
import { T as TEST_TYPES } from "./support";

describe("policy pack: resource type tokens", () => {
    it("every token the pack and its tests use is a resource class of @pulumi/aws", () => {
        for (const [name, token] of Object.entries({ ...T, ...TEST_TYPES })) {
            // "aws:<module>/<file>:<Class>": the class aws.<module>.<Class> registers exactly that token.
            const m = /^aws:([a-z0-9]+)\/[A-Za-z0-9]+:([A-Za-z0-9]+)$/.exec(token);
            assert.ok(m, `${name}: ${token} is not an AWS provider type token`);
            const cls = (aws as unknown as Record<string, Record<string, { __pulumiType?: string }>>)[m[1]!]?.[m[2]!];
            assert.equal(cls?.__pulumiType, token, `${name}: ${token} is not a resource type of @pulumi/aws`);
        }
    });
});

/**
 * Sharing outside the account, from the catalogue: the reviewed table (components/access/sharing.ts
 * over the generated candidates) and, simulated, every write level of every layout refusing every
 * candidate that is not reviewed, on its own environment's resources.
 */
import { strict as assert } from "assert";
import { readSharingCandidates } from "../../components/access/catalogue";
import { SHARING_CANDIDATES } from "../../components/access/catalogue.generated";
import { SHARING_REVIEWED, sharingDenied } from "../../components/access/sharing";
import { simulate } from "../helpers/simulate";
import { accessPaths, otherResourceArn, serviceActions } from "./proof";
import { loadStack, mfaContext, STACKS } from "./support";

describe("sharing outside the account: the reviewed table", () => {
    it("the generated candidates are the installed catalogue's (regenerate: npx ts-node --transpile-only components/access/catalogue.ts)", async () => {
        assert.deepEqual(SHARING_CANDIDATES, await readSharingCandidates());
    });

    it("takes in the sharing actions the issue names, RAM, and public-access blocks", () => {
        for (const a of [
            "rds:ModifyDBSnapshotAttribute",
            "rds:ModifyDBClusterSnapshotAttribute",
            "ec2:ModifyImageAttribute",
            "ec2:ModifySnapshotAttribute",
            "ram:CreateResourceShare",
            "ram:AssociateResourceShare",
            "ec2:DisableImageBlockPublicAccess",
            "ec2:DisableSnapshotBlockPublicAccess",
            "s3:PutBucketPublicAccessBlock",
            "backup:PutBackupVaultSharingPolicy",
            "redshift:AuthorizeDataShare",
        ]) {
            assert.ok(sharingDenied(SHARING_CANDIDATES).includes(a), a);
        }
    });

    it("every reviewed entry is a candidate of the installed catalogue, with its reason", () => {
        for (const [a, reason] of Object.entries(SHARING_REVIEWED)) {
            assert.ok(SHARING_CANDIDATES.includes(a), `${a} is reviewed but no longer a candidate: drop it`);
            assert.ok(reason.length > 20, a);
        }
    });
});

for (const name of STACKS) {
    describe(`sharing outside the account: no write level shares, ${name} stack`, function () {
        this.timeout(120_000);
        const stack = loadStack(name);
        const key = stack.plan.environmentTagKey;
        const writers = accessPaths(stack).filter((p) => p.level === "write" || p.level === "bounded");

        it("every write path (and every role under a boundary) is refused every sharing candidate not reviewed, on its own environment's resources", async () => {
            assert.ok(writers.length >= 2);
            const shared: string[] = [];
            for (const path of writers) {
                for (const action of sharingDenied(SHARING_CANDIDATES)) {
                    const a = (await serviceActions(action.split(":")[0])).find((x) => x.action === action)!;
                    const targets = a.resourceTypes.length
                        ? a.resourceTypes.map((rt) => ({ type: rt.name, arn: otherResourceArn(rt.arn, path.accountId, path.env)[0], rt }))
                        : [{ type: "*", arn: "*", rt: undefined }];
                    for (const t of targets) {
                        const out = await simulate({
                            identityPolicies: path.identity,
                            permissionBoundary: path.boundary,
                            scps: path.scps,
                            request: {
                                principal: path.principal,
                                action,
                                resource: t.arn,
                                resourceAccount: path.accountId,
                                context: {
                                    ...mfaContext(),
                                    ...(/:user\//.test(path.principal) ? { "aws:username": path.principal.split("/").pop()! } : {}),
                                    ...(t.rt?.resourceTag ? { [`aws:ResourceTag/${key}`]: path.env } : {}),
                                    ...((t.rt ? t.rt.requestTag : a.requestTag) ? { [`aws:RequestTag/${key}`]: path.env, "aws:TagKeys": [key] } : {}),
                                },
                            },
                        });
                        if (out.decision === "Allowed") shared.push(`${path.label}: ${action} on ${t.type}`);
                    }
                }
            }
            assert.deepEqual(shared, []);
        });
    });
}

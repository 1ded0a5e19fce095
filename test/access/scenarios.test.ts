/**
 * The attacks of issue "separation that holds against attack", written out request by request,
 * and what each level is for, in its own environment, with every resource of each request
 * simulated (AWS authorizes each one; a request goes through only when all do). The request tags
 * reach each resource where the catalogue says they apply to it (the RDS and ELB sources too).
 *
 * Layouts: the dev stack (single account) and the hybrid stack's shared non-production account,
 * where environments are separated by tags.
 */
import { strict as assert } from "assert";
import { simulate } from "../helpers/simulate";
import { accessPaths, AccessPath, serviceActions } from "./proof";
import { loadStack, mfaContext, REGION } from "./support";

/** One resource of a request: an existing one carrying `tag` (or none), or one the request creates. */
interface Res {
    type: string;
    arn: string;
    /** Environment tag of an existing resource; undefined: untagged, or new. */
    tag?: string;
    /** More context keys of this resource (e.g. ec2:Owner of an image). */
    keys?: Record<string, string>;
}

async function allowed(path: AccessPath, action: string, resources: Res[], tagKey = "Environment"): Promise<string[]> {
    const a = (await serviceActions(action.split(":")[0])).find((x) => x.action === action);
    assert.ok(a, action);
    const denied: string[] = [];
    for (const r of resources) {
        const rt = a.resourceTypes.find((t) => t.name === r.type);
        assert.ok(rt, `${action} has no resource type ${r.type}`);
        const context = {
            ...mfaContext(),
            ...(/:user\//.test(path.principal) ? { "aws:username": path.principal.split("/").pop()! } : {}),
            ...(r.tag && rt.resourceTag ? { [`aws:ResourceTag/${tagKey}`]: r.tag } : {}),
            ...(rt.requestTag ? { [`aws:RequestTag/${tagKey}`]: path.env, "aws:TagKeys": [tagKey, "Name"] } : {}),
            ...(r.keys ?? {}),
        };
        const out = await simulate({
            identityPolicies: path.identity,
            permissionBoundary: path.boundary,
            scps: path.scps,
            request: { principal: path.principal, action, resource: r.arn, resourceAccount: path.accountId, context },
        });
        if (out.decision !== "Allowed") denied.push(`${r.type} (${out.decision})`);
    }
    return denied;
}

for (const stackName of ["dev", "hybrid"]) {
    describe(`attacks and daily work, resource by resource: ${stackName} stack`, function () {
        this.timeout(60_000);
        const stack = loadStack(stackName);
        const paths = accessPaths(stack).filter((p) => p.shared);
        const writer = paths.find((p) => p.env === "test" && p.level === "write")!;
        const reader = paths.find((p) => p.env === "test" && p.level === "read")!;
        const own = writer.env;
        const other = writer.other;
        const acct = writer.accountId;
        const rds = (kind: string, name: string) => `arn:aws:rds:${REGION}:${acct}:${kind}:${name}`;
        const ec2 = (kind: string, id: string, account = acct) => `arn:aws:ec2:${REGION}:${account}:${kind}/${id}`;
        const listener = `arn:aws:elasticloadbalancing:${REGION}:${acct}:listener/app/web/0123456789abcdef/fedcba9876543210`;
        const loadBalancer = `arn:aws:elasticloadbalancing:${REGION}:${acct}:loadbalancer/app/web/0123456789abcdef`;
        const dbDefaults: Res[] = [
            { type: "og", arn: rds("og", "default:mysql-8-0") },
            { type: "pg", arn: rds("pg", "default.mysql8.0") },
            { type: "subgrp", arn: rds("subgrp", "default") },
        ];
        const launch = (image: Res, extra: Res[] = []): Res[] => [
            image,
            // Created by the request (the simulator needs concrete IDs).
            // (IMDSv2 and a small type: the SCPs of the Organizations layouts require them.)
            { type: "instance", arn: ec2("instance", "i-new"), keys: { "ec2:MetadataHttpTokens": "required", "ec2:InstanceType": "t3.micro" } },
            { type: "volume", arn: ec2("volume", "vol-new") },
            { type: "network-interface", arn: ec2("network-interface", "eni-new") },
            { type: "subnet", arn: ec2("subnet", "subnet-1"), tag: own },
            { type: "security-group", arn: ec2("security-group", "sg-1"), tag: own },
            { type: "key-pair", arn: ec2("key-pair", "kp"), tag: own },
            ...extra,
        ];
        const image = (tag: string | undefined, owner: string) => ({ type: "image", arn: `arn:aws:ec2:${REGION}::image/ami-1`, tag, keys: { "ec2:Owner": owner } });

        it(`a ${own} writer cannot read ${other}'s data through a snapshot, restore, copy or replica`, async () => {
            assert.deepEqual(
                await allowed(writer, "rds:CreateDBSnapshot", [
                    { type: "db", arn: rds("db", "orders"), tag: other },
                    { type: "snapshot", arn: rds("snapshot", "mine") },
                ]),
                ["db (ImplicitlyDenied)"],
            );
            assert.deepEqual(
                await allowed(writer, "rds:RestoreDBInstanceFromDBSnapshot", [{ type: "snapshot", arn: rds("snapshot", "orders"), tag: other }, { type: "db", arn: rds("db", "mine") }, ...dbDefaults]),
                ["snapshot (ImplicitlyDenied)"],
            );
            assert.deepEqual(
                await allowed(writer, "rds:RestoreDBInstanceToPointInTime", [{ type: "db", arn: rds("db", "orders"), tag: other }, { type: "db", arn: rds("db", "mine") }, ...dbDefaults]),
                ["db (ImplicitlyDenied)"],
            );
            assert.deepEqual(
                await allowed(writer, "rds:CopyDBSnapshot", [
                    { type: "snapshot", arn: rds("snapshot", "orders"), tag: other },
                    { type: "snapshot", arn: rds("snapshot", "mine") },
                ]),
                ["snapshot (ImplicitlyDenied)"],
            );
            assert.deepEqual(await allowed(writer, "rds:CreateDBInstanceReadReplica", [{ type: "db", arn: rds("db", "orders"), tag: other }, { type: "db", arn: rds("db", "mine") }, ...dbDefaults]), [
                "db (ImplicitlyDenied)",
            ]);
        });

        it(`...nor divert ${other}'s traffic with a rule on its listener or a listener on its load balancer`, async () => {
            assert.deepEqual(await allowed(writer, "elasticloadbalancing:CreateRule", [{ type: "listener/app", arn: listener, tag: other }]), ["listener/app (ImplicitlyDenied)"]);
            assert.deepEqual(await allowed(writer, "elasticloadbalancing:CreateListener", [{ type: "loadbalancer/app/", arn: loadBalancer, tag: other }]), ["loadbalancer/app/ (ImplicitlyDenied)"]);
        });

        it(`...nor boot ${other}'s image, mount its snapshot, take over its network interface or attach its volume`, async () => {
            assert.deepEqual(await allowed(writer, "ec2:RunInstances", launch(image(other, acct))), ["image (ImplicitlyDenied)"]);
            const snapshot = { type: "snapshot", arn: `arn:aws:ec2:${REGION}::snapshot/snap-1`, tag: other };
            assert.deepEqual(await allowed(writer, "ec2:RunInstances", launch(image(undefined, "amazon"), [snapshot])), ["snapshot (ImplicitlyDenied)"]);
            const eni = launch(image(undefined, "amazon")).map((r) => (r.type === "network-interface" ? { ...r, arn: ec2("network-interface", "eni-1"), tag: other } : r));
            assert.deepEqual(await allowed(writer, "ec2:RunInstances", eni), ["network-interface (ImplicitlyDenied)"]);
            assert.deepEqual(
                await allowed(writer, "ec2:AttachVolume", [
                    { type: "instance", arn: ec2("instance", "i-1"), tag: own },
                    { type: "volume", arn: ec2("volume", "vol-1"), tag: other },
                ]),
                ["volume (ImplicitlyDenied)"],
            );
        });

        it(`...nor share ${own}'s snapshots and images with another account or the world`, async () => {
            assert.notDeepEqual(await allowed(writer, "rds:ModifyDBSnapshotAttribute", [{ type: "snapshot", arn: rds("snapshot", "mine"), tag: own }]), []);
            assert.notDeepEqual(await allowed(writer, "rds:ModifyDBClusterSnapshotAttribute", [{ type: "cluster-snapshot", arn: rds("cluster-snapshot", "mine"), tag: own }]), []);
            assert.notDeepEqual(await allowed(writer, "ec2:ModifyImageAttribute", [{ type: "image", arn: `arn:aws:ec2:${REGION}::image/ami-1`, tag: own }]), []);
            assert.notDeepEqual(await allowed(writer, "ec2:ModifySnapshotAttribute", [{ type: "snapshot", arn: `arn:aws:ec2:${REGION}::snapshot/snap-1`, tag: own }]), []);
        });

        it(`a ${own} writer still snapshots, restores, copies and replicates within ${own}`, async () => {
            assert.deepEqual(
                await allowed(writer, "rds:CreateDBSnapshot", [
                    { type: "db", arn: rds("db", "orders"), tag: own },
                    { type: "snapshot", arn: rds("snapshot", "mine") },
                ]),
                [],
            );
            assert.deepEqual(
                await allowed(writer, "rds:RestoreDBInstanceFromDBSnapshot", [{ type: "snapshot", arn: rds("snapshot", "orders"), tag: own }, { type: "db", arn: rds("db", "mine") }, ...dbDefaults]),
                [],
            );
            assert.deepEqual(
                await allowed(writer, "rds:RestoreDBInstanceToPointInTime", [{ type: "db", arn: rds("db", "orders"), tag: own }, { type: "db", arn: rds("db", "mine") }, ...dbDefaults]),
                [],
            );
            assert.deepEqual(
                await allowed(writer, "rds:CopyDBSnapshot", [
                    { type: "snapshot", arn: rds("snapshot", "orders"), tag: own },
                    { type: "snapshot", arn: rds("snapshot", "mine") },
                ]),
                [],
            );
            assert.deepEqual(await allowed(writer, "rds:CreateDBInstanceReadReplica", [{ type: "db", arn: rds("db", "orders"), tag: own }, { type: "db", arn: rds("db", "mine") }, ...dbDefaults]), []);
            assert.deepEqual(await allowed(writer, "ec2:CopySnapshot", [{ type: "snapshot", arn: `arn:aws:ec2:${REGION}::snapshot/snap-1`, tag: own }]), []);
            assert.deepEqual(
                await allowed(writer, "ec2:CopyImage", [
                    { type: "image", arn: `arn:aws:ec2:${REGION}::image/ami-1`, tag: own },
                    { type: "snapshot", arn: `arn:aws:ec2:${REGION}::snapshot/snap-1` },
                ]),
                [],
            );
        });

        it(`...routes ${own}'s traffic, launches from Amazon's and ${own}'s images into ${own}'s network, attaches ${own}'s volumes`, async () => {
            assert.deepEqual(await allowed(writer, "elasticloadbalancing:CreateRule", [{ type: "listener/app", arn: listener, tag: own }]), []);
            assert.deepEqual(await allowed(writer, "elasticloadbalancing:CreateListener", [{ type: "loadbalancer/app/", arn: loadBalancer, tag: own }]), []);
            assert.deepEqual(await allowed(writer, "ec2:RunInstances", launch(image(undefined, "amazon"))), []);
            assert.deepEqual(await allowed(writer, "ec2:RunInstances", launch(image(own, acct))), []);
            assert.deepEqual(
                await allowed(writer, "ec2:AttachVolume", [
                    { type: "instance", arn: ec2("instance", "i-1"), tag: own },
                    { type: "volume", arn: ec2("volume", "vol-1"), tag: own },
                ]),
                [],
            );
            // An untagged subnet belongs to no environment: launching into it is refused (tag the network first).
            const untaggedSubnet = launch(image(undefined, "amazon")).map((r) => (r.type === "subnet" ? { ...r, tag: undefined } : r));
            assert.deepEqual(await allowed(writer, "ec2:RunInstances", untaggedSubnet), ["subnet (ImplicitlyDenied)"]);
        });

        it("an untagged source can be copied into the writer's environment (residual risk: keep every resource tagged)", async () => {
            assert.deepEqual(
                await allowed(writer, "rds:CopyDBSnapshot", [
                    { type: "snapshot", arn: rds("snapshot", "legacy") },
                    { type: "snapshot", arn: rds("snapshot", "mine") },
                ]),
                [],
            );
        });

        it(`a ${own} reader reads ${own}, not ${other}`, async () => {
            assert.deepEqual(await allowed(reader, "rds:DescribeDBSnapshots", [{ type: "snapshot", arn: rds("snapshot", "mine"), tag: own }]), []);
            assert.deepEqual(await allowed(reader, "dynamodb:GetItem", [{ type: "table", arn: `arn:aws:dynamodb:${REGION}:${acct}:table/orders`, tag: own }]), []);
            assert.notDeepEqual(await allowed(reader, "dynamodb:GetItem", [{ type: "table", arn: `arn:aws:dynamodb:${REGION}:${acct}:table/orders`, tag: other }]), []);
            assert.notDeepEqual(
                await allowed(reader, "rds:CreateDBSnapshot", [
                    { type: "db", arn: rds("db", "orders"), tag: own },
                    { type: "snapshot", arn: rds("snapshot", "mine") },
                ]),
                [],
            );
        });

        const admin = paths.find((p) => p.level === "admin");
        if (admin) {
            it(`the ${admin.env} admin may still share ${admin.env}'s snapshots (a deliberate act, limited by the guardrails where a key exists)`, async () => {
                const a = admin.accountId;
                assert.deepEqual(await allowed(admin, "rds:ModifyDBSnapshotAttribute", [{ type: "snapshot", arn: `arn:aws:rds:${REGION}:${a}:snapshot:mine`, tag: admin.env }]), []);
            });
        }
    });
}

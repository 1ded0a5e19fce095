/**
 * The separation proof from the catalogue (see ./proof.ts): every access path of every layout,
 * every action its Allow statements grant, every resource type each action touches, aimed at
 * another environment. Zero allows outside the reviewed allow-list (./proof-allow-list.ts). The
 * figures it prints (paths, cells, simulations, seconds) are the ones docs/access-model.md quotes.
 */
import { strict as assert } from "assert";
import { levelOf, effectiveTeams } from "../../components/access/config";
import { accessPaths, provePath, PathProof } from "./proof";
import { allowListEntryFor, PROOF_ALLOW_LIST } from "./proof-allow-list";
import { IDENTITY_CENTER_STACKS, loadStack, STACKS } from "./support";

describe("separation proof from the action catalogue (every path, action and resource type)", function () {
    this.timeout(300_000);
    const proofs: { stack: string; proofs: PathProof[] }[] = [];
    let seconds = 0;

    before(async () => {
        const started = Date.now();
        for (const name of [...STACKS, ...IDENTITY_CENTER_STACKS]) {
            const stack = loadStack(name);
            const out: PathProof[] = [];
            for (const p of accessPaths(stack)) out.push(await provePath(p, stack.plan.environmentTagKey));
            proofs.push({ stack: name, proofs: out });
        }
        seconds = (Date.now() - started) / 1000;
    });

    after(() => {
        const all = proofs.flatMap((s) => s.proofs);
        const sum = (f: (p: PathProof) => number, ps = all) => ps.reduce((n, p) => n + f(p), 0);
        console.log("      separation proof (action x resource-type cells, each in up to three request contexts):");
        for (const s of proofs) {
            const shared = s.proofs.filter((p) => p.path.shared);
            console.log(
                `        ${s.stack.padEnd(10)} ${String(s.proofs.length).padStart(2)} paths  ${String(sum((p) => p.cells, s.proofs)).padStart(6)} cells` +
                    ` (${sum((p) => p.cells, shared)} in shared accounts)  ${String(sum((p) => p.simulations, s.proofs)).padStart(6)} simulations` +
                    `  ${sum((p) => p.allowed.length, s.proofs)} allowed by the allow-list`,
            );
        }
        console.log(`        total   ${all.length} paths  ${sum((p) => p.cells)} cells  ${sum((p) => p.simulations)} simulations  ${seconds.toFixed(1)} s`);
        for (const e of PROOF_ALLOW_LIST) {
            const n = all.flatMap((p) => p.allowed).filter((c) => allowListEntryFor(c.path, c.accessLevel, c.resourceType) === e).length;
            console.log(`        allow-list ${e.id}: ${n} cells`);
        }
    });

    it("proves a path for every team and environment the team has a level in, in every layout", () => {
        const missing: string[] = [];
        for (const { stack: name, proofs: ps } of proofs) {
            const stack = loadStack(name);
            const teams = effectiveTeams(stack.plan.config);
            for (const team of Object.keys(teams)) {
                for (const env of stack.plan.environments) {
                    if (levelOf(teams[team], env.name) === "none") continue;
                    if (!ps.some((p) => p.path.env === env.name && p.path.teams.includes(team))) missing.push(`${name}: ${team} in ${env.name}`);
                }
            }
        }
        assert.deepEqual(missing, []);
        // Every layout is there, with tag-separated and dedicated accounts.
        assert.deepEqual(
            proofs.map((s) => s.stack),
            ["dev", "prod", "hybrid", "prod-sso", "hybrid-sso"],
        );
        for (const hybrid of ["hybrid", "hybrid-sso"]) {
            assert.ok(proofs.find((s) => s.stack === hybrid)!.proofs.some((p) => p.path.shared));
            assert.ok(proofs.find((s) => s.stack === hybrid)!.proofs.some((p) => !p.path.shared));
        }
        // With Identity Center, people reach environments through permission sets only, in shared and dedicated accounts.
        for (const sso of ["prod-sso", "hybrid-sso"]) {
            const people = proofs.find((s) => s.stack === sso)!.proofs.filter((p) => p.path.kind !== "delegated-role");
            assert.ok(people.length > 0 && people.every((p) => p.path.kind === "permission-set"), sso);
        }
        assert.ok(proofs.find((s) => s.stack === "hybrid-sso")!.proofs.some((p) => p.path.kind === "permission-set" && p.path.shared));
    });

    it("covers every resource type of every granted action: thousands of cells per write path", () => {
        for (const { proofs: ps } of proofs) {
            for (const p of ps.filter((x) => x.path.level === "write")) assert.ok(p.cells > 2000, `${p.path.label}: ${p.cells} cells`);
        }
    });

    it("zero allows on another environment's resources outside the reviewed allow-list", () => {
        const unexplained = proofs
            .flatMap((s) => s.proofs)
            .flatMap((p) => p.allowed)
            .filter((c) => !allowListEntryFor(c.path, c.accessLevel, c.resourceType))
            .map((c) => `${c.path.label}: ${c.action} on ${c.resourceType} (${c.resource}) in ${c.allowedIn.join(", ")}`);
        assert.deepEqual(unexplained, []);
    });

    it("every allow-list entry is still needed, and says why", () => {
        const allowed = proofs.flatMap((s) => s.proofs).flatMap((p) => p.allowed);
        for (const e of PROOF_ALLOW_LIST) {
            assert.ok(e.reason.length > 40, e.id);
            assert.ok(
                allowed.some((c) => allowListEntryFor(c.path, c.accessLevel, c.resourceType) === e),
                `${e.id} matches no allowed cell`,
            );
        }
    });
});

describe("separation proof: it finds the leaks of the documents it replaced", function () {
    this.timeout(120_000);
    const stack = loadStack("dev");
    const write = accessPaths(stack).find((p) => p.env === "test" && p.level === "write")!;
    const abacIndex = write.identity.findIndex((d) => d.Statement.some((s: { Sid: string }) => s.Sid === "CreateOnlyWithEnvironmentTag"));

    /** The test write path with its tag-scoped document changed by `edit`. */
    function mutated(edit: (statements: Record<string, any>[]) => Record<string, any>[]) {
        const identity = write.identity.map((d, i) => (i === abacIndex ? { ...d, Statement: edit(structuredClone(d.Statement)) } : d));
        return { ...write, identity };
    }
    const found = async (p: typeof write) => (await provePath(p, stack.plan.environmentTagKey)).allowed.map((c) => `${c.action}@${c.resourceType}`);

    it("create, copy and restore that check only the request tag reach the other environment's sources", async () => {
        const cells = await found(mutated((ss) => ss.map((s) => (s.Sid === "CreateOnlyWithEnvironmentTag" ? { ...s, Condition: { StringEquals: s.Condition.StringEquals } } : s))));
        for (const c of [
            "rds:CreateDBSnapshot@db",
            "rds:RestoreDBInstanceFromDBSnapshot@snapshot",
            "rds:CopyDBSnapshot@snapshot",
            "rds:CreateDBInstanceReadReplica@db",
            "elasticloadbalancing:CreateRule@listener/app",
            "elasticloadbalancing:CreateListener@loadbalancer/app/",
        ]) {
            assert.ok(cells.includes(c), `${c} not found among ${cells.filter((x) => !x.endsWith("@*")).join(", ")}`);
        }
    });

    it("unconditioned RunInstances inputs reach the other environment's images, snapshots and network interfaces", async () => {
        const cells = await found(
            mutated((ss) => [
                ...ss,
                {
                    Sid: "RunInstancesInputs",
                    Effect: "Allow",
                    Action: ["ec2:RunInstances"],
                    Resource: ["image", "snapshot", "network-interface", "launch-template"].map((t) => `arn:aws:ec2:*:*:${t}/*`),
                },
            ]),
        );
        for (const c of ["ec2:RunInstances@image", "ec2:RunInstances@snapshot", "ec2:RunInstances@network-interface", "ec2:RunInstances@launch-template"]) {
            assert.ok(cells.includes(c), c);
        }
    });
});

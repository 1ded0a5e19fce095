// Any Pulumi TypeScript project: ES modules, data sources, a user's mocks, packages from the
// project or from this repository, program output, and which policy config applies.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runPlanHere } from "../helpers/plan";
import { toJsonReport } from "../../tools/plan/render";
import { ROOT, copyFixture, fixture, runCliHere, tempDir } from "./support";

const repoVersion = (pkg: string) => (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), "utf8")) as { version: string }).version;

describe("plan: any Pulumi TypeScript project", function () {
    this.timeout(180_000);

    it("loads an ES module program with import(): top-level await, ./x.js imports of .ts and .mts files", async () => {
        const r = await runPlanHere({ dir: fixture("esm-program"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.deepStrictEqual(r.outputs, { description: "the payments team", groupName: "payments-engineers", moduleKind: "es module", regionName: "eu-west-1" });
        assert.ok(r.resources.some((x) => x.type === "aws:iam/group:Group" && x.inputs.name === "payments-engineers"));
    });

    it("runs an ES module program outside this repository with this repository's packages, and says so", async () => {
        const t = tempDir("plan-esm-");
        try {
            const dir = copyFixture("esm-program", t.dir);
            const r = await runPlanHere({ dir, stack: "dev", policyPackDir: null });
            assert.strictEqual(r.error, undefined, r.error?.message);
            assert.strictEqual(r.outputs.groupName, "payments-engineers");
            assert.ok(
                r.notes?.includes(`packages the project does not have, taken from this repository: @pulumi/aws ${repoVersion("@pulumi/aws")}, @pulumi/pulumi ${repoVersion("@pulumi/pulumi")}`),
                JSON.stringify(r.notes),
            );
        } finally {
            t.remove();
        }
    });

    it("says when a CommonJS project outside this repository uses this repository's packages", async () => {
        const t = tempDir("plan-cjs-");
        try {
            const r = await runPlanHere({ dir: copyFixture("billing", t.dir), stack: "ci", policyPackDir: null });
            assert.strictEqual(r.error, undefined, r.error?.message);
            assert.ok(
                r.notes?.some((n) => n.startsWith("packages the project does not have, taken from this repository: @pulumi/aws")),
                JSON.stringify(r.notes),
            );
            // Inside this repository, the packages are the project's own (Node.js finds them): nothing to say.
            const inside = await runPlanHere({ dir: fixture("billing"), stack: "ci", policyPackDir: null });
            assert.ok(!inside.notes?.some((n) => n.startsWith("packages")), JSON.stringify(inside.notes));
        } finally {
            t.remove();
        }
    });

    it("refuses a project that pins another major version of a package it has not installed", async () => {
        const t = tempDir("plan-old-aws-");
        try {
            const dir = copyFixture("old-aws", t.dir);
            const r = await runPlanHere({ dir, stack: "dev", policyPackDir: null });
            assert.strictEqual(r.exitCode, 2);
            assert.strictEqual(r.error?.kind, "program");
            assert.strictEqual(
                r.error!.message,
                `the project needs @pulumi/aws ^6.66.0 (this repository has ${repoVersion("@pulumi/aws")}), another major version, and has no node_modules of its own with it: run \`npm install\` in ${dir} so that the plan uses the project's own packages`,
            );
            assert.strictEqual(r.resources.length, 0, "the program did not run");
        } finally {
            t.remove();
        }
    });

    it("answers the common data sources, so a program using getAmi and the default VPC plans", async () => {
        const r = await runPlanHere({ dir: fixture("lookups"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.match(String(r.outputs.amiId), /^ami-[0-9a-f]{17}$/);
        assert.strictEqual(r.outputs.instanceAmi, r.outputs.amiId, "the lookup feeds the instance");
        assert.match(String(r.outputs.amiName), /^al2023-ami-.+-x86_64$/);
        assert.strictEqual(r.outputs.vpcCidr, "172.31.0.0/16");
        assert.strictEqual((r.outputs.subnetIds as string[]).length, 3);
        const web = r.resources.find((x) => x.name === "web")!;
        assert.strictEqual(web.inputs.subnetId, (r.outputs.subnetIds as string[])[0]);
        assert.match(String(r.outputs.roleArn), /^arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole$/);
        assert.match(String(r.outputs.keyArn), /^arn:aws:kms:eu-west-1:\d{12}:key\//);
        assert.match(String(r.outputs.ssoInstanceArn), /^arn:aws:sso:::instance\/ssoins-/);
        assert.strictEqual(r.outputs.bucketArn, "arn:aws:s3:::example-logs");
        assert.match(String(r.outputs.certificateArn), /^arn:aws:acm:eu-west-1:\d{12}:certificate\//);
        assert.deepStrictEqual(r.outputs.publicIp, { __plan: "unknown" }, "an instance's public IP is only known after it is created");
    });

    it("takes a user's mocks file (--mocks): the AMI it gives, the outputs it gives a resource", async () => {
        const t = tempDir("plan-mocks-");
        try {
            const json = path.join(t.dir, "plan.json");
            const r = await runCliHere(["--stack", "dev", "--dir", fixture("lookups"), "--no-policy-pack", "--mocks", path.join(fixture("lookups"), "mocks.yaml"), "--json", json]);
            assert.strictEqual(r.status, 0, r.stdout + r.stderr);
            const report = JSON.parse(fs.readFileSync(json, "utf8")) as { resources: { name: string; inputs: Record<string, unknown> }[] };
            assert.strictEqual(report.resources.find((x) => x.name === "web")!.inputs.ami, "ami-0123456789abcdef0");
            const bad = await runCliHere(["--stack", "dev", "--dir", fixture("lookups"), "--no-policy-pack", "--mocks", path.join(t.dir, "missing.yaml")]);
            assert.strictEqual(bad.status, 2);
            assert.match(bad.stdout, /error \(config\): mocks file .*missing\.yaml/);
        } finally {
            t.remove();
        }
    });

    it("keeps the outputs a mocks file gives in the plan", async () => {
        const r = await runPlanHere({ dir: fixture("lookups"), stack: "dev", policyPackDir: null, mocksFile: path.join(fixture("lookups"), "mocks.yaml") });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.strictEqual(r.outputs.amiId, "ami-0123456789abcdef0");
        assert.strictEqual(r.outputs.amiName, "golden-image-2024");
        assert.strictEqual(r.outputs.publicIp, "203.0.113.10");
    });

    it("treats console.error and Node's warnings as program output, not errors", async () => {
        const r = await runPlanHere({ dir: fixture("program-output"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.strictEqual(r.exitCode, 0);
        const stderr = r.logs.filter((l) => l.stream === "stderr").map((l) => l.message);
        assert.ok(stderr.includes("building the readers group"), JSON.stringify(r.logs));
        assert.ok(
            stderr.some((m) => /\[DEP0128\] DeprecationWarning: Invalid 'main' field/.test(m)),
            JSON.stringify(r.logs),
        );
        assert.ok(
            stderr.some((m) => /\[DEP_DEMO\] DeprecationWarning: this program uses an old helper/.test(m)),
            JSON.stringify(r.logs),
        );
        assert.ok(r.logs.some((l) => l.severity === "warning" && /Could not find entry point 'bin\/index.js' specified in package.json/.test(l.message)));
        assert.ok(!r.logs.some((l) => l.severity === "error"));
    });

    it("does not apply this repository's policypack/config/<stack>.json to another project, and says which config applied", async () => {
        const t = tempDir("plan-other-project-");
        try {
            const dir = copyFixture("user-policy", t.dir);
            const other = await runPlanHere({ dir, stack: "dev" });
            assert.strictEqual(other.error, undefined, other.error?.message);
            assert.strictEqual(other.policyPack?.configSource, "defaults");
            assert.strictEqual(other.policyPack?.configFile, undefined);
            assert.ok(
                other.notes?.includes(
                    `policy config: the pack's defaults; ${path.join("policypack", "config", "dev.json")} belongs to the pack's own project and was not applied to this one (pass --policy-pack-config to apply it)`,
                ),
                JSON.stringify(other.notes),
            );
            const asked = await runPlanHere({ dir, stack: "dev", policyConfigFile: path.join(ROOT, "policypack", "config", "dev.json") });
            assert.strictEqual(asked.policyPack?.configSource, "file");
            assert.strictEqual(asked.policyPack?.configFile, path.join(ROOT, "policypack", "config", "dev.json"));
            // This repository's own stacks get it by default.
            const own = await runPlanHere({ dir: fixture("user-policy"), stack: "dev" });
            assert.strictEqual(own.policyPack?.configSource, "stack");
            assert.ok(own.notes?.includes(`policy config: ${path.join("policypack", "config", "dev.json")}`), JSON.stringify(own.notes));
            assert.deepStrictEqual(toJsonReport(own).policyPack?.configFile, path.join(ROOT, "policypack", "config", "dev.json"));
        } finally {
            t.remove();
        }
    });
});

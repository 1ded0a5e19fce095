// Policy config (--policy-pack-config), enforcement levels, pack metadata and the client's
// process handling.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPackClient, reconcilePolicyConfig } from "../../tools/lib/analyzer";
import { analyzeEach, cleanStack, doc, expectNone, expectViolation, PACK_DIR, res, T, usePack, without } from "./support";

const loadConfig = (stack: string) => JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", `${stack}.json`), "utf8")) as Record<string, unknown>;

describe("policy pack: metadata, config and enforcement levels", function () {
    const pack = usePack();

    it("describes every policy with a description, remediation steps and a level", async () => {
        const info = await pack.client().info();
        assert.strictEqual(info.name, "aws-landing-zone-guardrails");
        assert.ok(info.policies.length >= 19);
        for (const p of info.policies) {
            assert.ok(p.description.length > 20, `${p.name} description`);
            assert.ok((p.remediationSteps ?? "").length > 20, `${p.name} remediation steps`);
            assert.ok(["advisory", "mandatory"].includes(p.enforcementLevel), `${p.name} level`);
        }
        const levels = Object.fromEntries(info.policies.map((p) => [p.name, p.enforcementLevel]));
        for (const advisory of ["iam-tag-isolation", "org-nonprod-instance-types", "org-account-quota", "budget-per-environment"]) assert.strictEqual(levels[advisory], "advisory", advisory);
        const schemaOf = (n: string) => info.policies.find((p) => p.name === n)?.configSchema?.properties ?? {};
        assert.deepStrictEqual(schemaOf("org-account-environment-tag").environments.default, ["dev", "test", "staging", "prod", "nonprod"]);
        assert.strictEqual(schemaOf("org-account-environment-tag").environmentTagKey.default, "Environment");
        assert.deepStrictEqual(schemaOf("org-production-separation").productionEnvironments.default, ["prod"]);
        assert.strictEqual(schemaOf("org-account-quota").accountQuota.default, 10);
        assert.strictEqual(schemaOf("iam-no-full-admin").adminTagKey.default, "AccessLevel");
        assert.strictEqual(schemaOf("iam-no-full-admin").adminTagValue.default, "admin");
    });

    for (const stack of ["dev", "prod", "prod-sso"]) {
        it(`config/${stack}.json is a valid --policy-pack-config for this pack with the shipped environments`, async () => {
            const info = await pack.client().info();
            const cfg = loadConfig(stack);
            const names = new Set(info.policies.map((p) => p.name));
            for (const k of Object.keys(cfg)) assert.ok(k === "all" || names.has(k), `${k} is not a policy of the pack`);
            const reconciled = reconcilePolicyConfig(info, cfg);
            for (const p of info.policies) {
                const props = reconciled[p.name].properties;
                for (const k of Object.keys(props)) assert.ok(k in (p.configSchema?.properties ?? {}), `${p.name}.${k} is not in the schema`);
                if ("environmentTagKey" in props) assert.strictEqual(props.environmentTagKey, "Environment");
                if ("environments" in props) assert.deepStrictEqual(props.environments, ["dev", "test", "staging", "prod", "nonprod"]);
                if ("productionEnvironments" in props) assert.deepStrictEqual(props.productionEnvironments, ["prod"]);
            }
            await pack.client().configure(cfg);
            try {
                const base = cleanStack();
                const vs = [...(await analyzeEach(pack.client(), base)), ...(await pack.client().analyzeStack(base))];
                assert.deepStrictEqual(
                    vs.map((v) => v.message),
                    [],
                );
            } finally {
                await pack.client().configure({});
            }
        });
    }

    it("rejects an invalid config like the CLI does", async () => {
        const info = await pack.client().info();
        assert.throws(() => reconcilePolicyConfig(info, { "org-account-quota": "sometimes" }), /not a valid enforcement level/);
        assert.throws(() => reconcilePolicyConfig(info, { "org-account-quota": { accountQuota: "ten" } }), /accountQuota: invalid type/);
    });

    describe("Configure changes what the pack reports", () => {
        const badAccount = () => res(T.account, "untagged", { name: "untagged", email: "u@example.com" }, { protect: true });
        afterEach(async () => {
            await pack.client().configure({});
        });

        it("disabled turns a policy off; advisory downgrades it", async () => {
            expectViolation(await pack.client().analyze(badAccount()), "org-account-environment-tag", undefined, "mandatory");
            await pack.client().configure({ "org-account-environment-tag": "disabled" });
            expectNone(await pack.client().analyze(badAccount()), "org-account-environment-tag");
            await pack.client().configure({ "org-account-environment-tag": { enforcementLevel: "advisory" } });
            expectViolation(await pack.client().analyze(badAccount()), "org-account-environment-tag", undefined, "advisory");
        });

        it('"all" sets every policy\'s level and a policy entry overrides it', async () => {
            await pack.client().configure({ all: "advisory", "org-account-protection": "mandatory" });
            const vs = await pack.client().analyze(res(T.account, "x", { name: "x", email: "x@example.com", closeOnDeletion: true }));
            expectViolation(vs, "org-account-environment-tag", undefined, "advisory");
            expectViolation(vs, "org-account-protection", undefined, "mandatory");
        });

        it("the environment tag key and allowed values come from config", async () => {
            const tagged = res(T.account, "env", { name: "env", email: "e@example.com", tags: { Env: "sandbox" } }, { protect: true });
            expectViolation(await pack.client().analyze(tagged), "org-account-environment-tag", /no Environment tag/);
            await pack.client().configure({ "org-account-environment-tag": { environmentTagKey: "Env" } });
            expectViolation(await pack.client().analyze(tagged), "org-account-environment-tag", /Env tag is "sandbox"/);
            await pack.client().configure({ "org-account-environment-tag": { environmentTagKey: "Env", environments: ["sandbox", "live"] } });
            expectNone(await pack.client().analyze(tagged), "org-account-environment-tag");
        });

        it("serviceUsers allows access keys for the named users only", async () => {
            const key = res(T.accessKey, "deploy-key", { user: "ci-deployer" });
            expectViolation(await pack.client().analyze(key), "iam-no-user-access-keys");
            await pack.client().configure({ "iam-no-user-access-keys": { serviceUsers: ["ci-deployer"] } });
            expectNone(await pack.client().analyze(key), "iam-no-user-access-keys");
            expectViolation(await pack.client().analyze(res(T.accessKey, "other-key", { user: "alice" })), "iam-no-user-access-keys");
        });

        it("the admin tag convention is configurable", async () => {
            // Without the baseline admin role, which is marked with the default AccessLevel tag.
            const base = without(cleanStack(), "admin-role", "admin-role-admin");
            const role = res(T.role, "breakglass", {
                name: "breakglass",
                assumeRolePolicy: doc({
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::111111111111:root" },
                    Action: "sts:AssumeRole",
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                }),
                tags: { Tier: "breakglass" },
            });
            const att = res(T.rolePolicyAttachment, "breakglass-admin", { role: "breakglass", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { deps: { role: [role] } });
            const stack = [...base, role, att];
            expectViolation(await pack.client().analyzeStack(stack), "iam-no-full-admin", /breakglass/);
            await pack.client().configure({ "iam-no-full-admin": { adminTagKey: "Tier", adminTagValue: "breakglass" } });
            expectNone(await pack.client().analyzeStack(stack), "iam-no-full-admin");
        });
    });
});

describe("analyzer client: starting packs", function () {
    it("starts the pack exactly as the engine does (run-policy-pack, ts-node with type checking)", async function () {
        this.timeout(180_000);
        const c = await PolicyPackClient.start(PACK_DIR, { launcher: "engine", timeoutMs: 170_000 });
        try {
            const info = await c.info();
            assert.strictEqual(info.name, "aws-landing-zone-guardrails");
            expectViolation(await c.analyze(res(T.userPolicy, "up", { user: "alice", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) })), "iam-no-user-permissions");
        } finally {
            await c.close();
        }
    });

    it("sends ConfigureStack like the engine (stack tags reach the pack)", async () => {
        const c = await PolicyPackClient.start(PACK_DIR);
        try {
            await c.configureStack({ stack: "dev", project: "landing-zone", organization: "example", dryRun: true, tags: { team: "platform" } });
            // The pack keeps working after ConfigureStack.
            expectViolation(await c.analyze(res(T.accessKey, "k", { user: "alice" })), "iam-no-user-access-keys");
        } finally {
            await c.close();
        }
    });

    it("fails with the pack's stderr when the pack cannot start", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broken-pack-"));
        try {
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "broken", version: "0.0.1", main: "index.js" }));
            fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
            fs.writeFileSync(path.join(dir, "index.js"), "throw new Error('pack exploded on purpose');\n");
            await assert.rejects(PolicyPackClient.start(dir, { timeoutMs: 30_000 }), /failed to start[\s\S]*pack exploded on purpose/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

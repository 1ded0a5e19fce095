// Every config problem reported as one: a config error (exit 2), the stack settings' problems
// together with the program's own, without waiting for the policy pack; secrets and account
// IDs said for what they are; policy config names checked.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { runPlanHere } from "../helpers/plan";
import { renderText } from "../../tools/plan/render";
import { ROOT, fixture, tempDir } from "./support";

describe("plan: config errors", function () {
    this.timeout(180_000);

    it("labels the program's config errors as config errors: its own, and the SDK's (a required key missing)", async () => {
        const own = await runPlanHere({ dir: fixture("bad-config"), stack: "broken", policyPackDir: null });
        assert.strictEqual(own.exitCode, 2);
        assert.deepStrictEqual([own.error?.kind, own.error?.message], ["config", "invalid configuration: bad-config-demo:environments must be a list of environment names"]);
        const missing = await runPlanHere({ dir: fixture("bad-config"), stack: "nostackfile", policyPackDir: null });
        assert.strictEqual(missing.error?.kind, "config", missing.error?.message);
        assert.match(missing.error!.message, /^Missing required configuration variable 'bad-config-demo:environments'/);
        // Anything else the program throws is a program error.
        const thrown = await runPlanHere({ dir: fixture("throws"), stack: "dev", policyPackDir: null });
        assert.strictEqual(thrown.error?.kind, "program");
    });

    it("reports a Pulumi.yaml type error together with the program's own config problem, without waiting for the pack", async () => {
        const started = performance.now();
        // This pack would take ten minutes to start.
        const r = await runPlanHere({ dir: fixture("bad-config"), stack: "both", policyPackDir: fixture("slow-start-pack") });
        assert.ok(performance.now() - started < 60_000, `${Math.round(performance.now() - started)} ms`);
        assert.strictEqual(r.exitCode, 2);
        assert.strictEqual(r.error?.kind, "config");
        assert.strictEqual(
            r.error!.message,
            [
                "Stack settings (1 problem the Pulumi CLI would refuse):",
                "  - bad-config-demo:retries: must be an integer, not \"many\" (declared type 'integer' in Pulumi.yaml)",
                "invalid configuration: bad-config-demo:environments must be a list of environment names",
            ].join("\n"),
        );
    });

    it("reports the program's config error without waiting for a pack that is slow to start", async () => {
        const started = performance.now();
        const r = await runPlanHere({ dir: fixture("bad-config"), stack: "broken", policyPackDir: fixture("slow-start-pack") });
        assert.strictEqual(r.error?.kind, "config");
        assert.ok(performance.now() - started < 60_000, `${Math.round(performance.now() - started)} ms`);
    });

    it("says a secret value is not checked offline instead of judging its placeholder", async () => {
        const r = await runPlanHere({ dir: fixture("secret-config"), stack: "dev", policyPackDir: null });
        assert.strictEqual(r.error?.kind, "config");
        assert.strictEqual(
            r.error!.message,
            [
                "Invalid stack configuration (2 problems); nothing was deployed:",
                "  - secret-demo:contact.email: secret value, not checked offline",
                '  - secret-demo:owner: must be an email address (got "not-an-email")',
            ].join("\n"),
        );
        assert.ok(!renderText(r).includes('[secret]")'), "the placeholder is not judged in the output");
    });

    it("tells the landing zone's users to quote an account ID YAML read as a number, with the text they wrote", async () => {
        const t = tempDir("plan-zero-id-");
        try {
            // The landing zone program on the prod stack, with an existing account's ID unquoted.
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8").replace(/^main: index.ts$/m, `main: ${path.join(ROOT, "index.ts")}`));
            fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(t.dir, "tsconfig.json"));
            const stack = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").replace("      name: app1-security\n", "      name: app1-security\n      existingId: 012345678901\n");
            assert.ok(stack.includes("existingId: 012345678901"));
            fs.writeFileSync(path.join(t.dir, "Pulumi.prod.yaml"), stack);
            const r = await runPlanHere({ dir: t.dir, stack: "prod", policyPackDir: null });
            assert.strictEqual(r.error?.kind, "config", r.error?.message);
            assert.ok(
                r.error!.message.startsWith(
                    "Stack settings (1 problem the Pulumi CLI would refuse):\n" +
                        "  - landing-zone:accounts.security.existingId: 012345678901 in Pulumi.prod.yaml is not quoted, so YAML reads it as the number 12345678901 and the leading zero is lost; quote account IDs: '012345678901'\n",
                ),
                r.error!.message,
            );
            // The program's own report follows (whatever it says about the 11-digit number).
            assert.ok(r.error!.message.split("\n").length > 2, r.error!.message);
        } finally {
            t.remove();
        }
    });

    it("refuses a misspelled policy name in a policy config, naming the known policies", async () => {
        const r = await runPlanHere({ dir: fixture("policy-config-typo"), stack: "dev", policyConfigFile: path.join(fixture("policy-config-typo"), "policy-config.json") });
        assert.strictEqual(r.exitCode, 2);
        assert.strictEqual(r.error?.kind, "config", r.error?.message);
        assert.match(
            r.error!.message,
            /^policy pack config .*policy-config\.json: unknown policy 'iam-no-user-permisions' \(did you mean 'iam-no-user-permissions'\?\); the policies of aws-landing-zone-guardrails are: /,
        );
        for (const known of ["iam-no-user-permissions", "iam-tag-isolation", "org-account-quota"]) assert.ok(r.error!.message.includes(known), known);
    });

    it("lists the policies a config disables in the summary", async () => {
        const r = await runPlanHere({ dir: fixture("policy-config-typo"), stack: "dev", policyConfig: { "iam-tag-isolation": "disabled", "org-account-quota": "disabled" } });
        assert.strictEqual(r.error, undefined, r.error?.message);
        assert.deepStrictEqual(r.policyPack?.disabled, ["iam-tag-isolation", "org-account-quota"]);
        assert.match(renderText(r), /disabled by policy config: iam-tag-isolation, org-account-quota; ok;/);
    });
});

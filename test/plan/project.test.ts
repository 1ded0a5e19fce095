import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, SECRET_PLACEHOLDER, fullKey, loadProject } from "../../tools/plan/project";
import { fixture, tempDir } from "./support";

describe("plan: Pulumi project and stack config", () => {
    it("reads another project's name, main and namespaced config like the CLI", () => {
        const p = loadProject(fixture("billing"), "ci");
        assert.strictEqual(p.name, "billing-app");
        assert.strictEqual(p.main, path.join(fixture("billing"), "src"));
        assert.strictEqual(p.hasMain, true);
        // A key without a namespace belongs to the project.
        assert.strictEqual(p.config["billing-app:team"], "payments");
        assert.strictEqual(p.config["aws:region"], "eu-central-1");
        // Project-level declarations supply defaults (bare and namespaced keys).
        assert.strictEqual(p.config["billing-app:retentionDays"], "30");
        assert.strictEqual(p.config["billing-app:owner"], "finance-platform");
        assert.deepStrictEqual(JSON.parse(p.config["aws:defaultTags"]!), { tags: { App: "billing" } });
        // Structured values reach the program as JSON.
        assert.deepStrictEqual(JSON.parse(p.config["billing-app:settings"]!), {
            buckets: ["invoices", "receipts"],
            admins: [{ name: "alice", email: "alice@example.com" }],
            limits: { maxUsers: 3 },
        });
    });

    it("keeps secure values secret and never exposes the ciphertext", () => {
        const p = loadProject(fixture("billing"), "ci");
        assert.deepStrictEqual(p.secretKeys, ["billing-app:dbPassword"]);
        assert.strictEqual(p.config["billing-app:dbPassword"], SECRET_PLACEHOLDER);
        assert.ok(!JSON.stringify(p).includes("bm90LWEtcmVhbC1jaXBoZXJ0ZXh0"));
    });

    it("treats a missing stack file as empty config (project defaults only)", () => {
        const p = loadProject(fixture("billing"), "nosuchstack");
        assert.strictEqual(p.stackFile, undefined);
        assert.deepStrictEqual(Object.keys(p.config).sort(), ["aws:defaultTags", "billing-app:owner", "billing-app:retentionDays"]);
    });

    it("marks a whole structured value secret when it contains a secure leaf", () => {
        const t = tempDir("plan-project-");
        try {
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            fs.writeFileSync(path.join(t.dir, "index.ts"), "");
            fs.writeFileSync(path.join(t.dir, "Pulumi.s.yaml"), "config:\n  db:\n    user: app\n    password:\n      secure: AAAA\n  p:plain: 3\n");
            const p = loadProject(t.dir, "s");
            assert.deepStrictEqual(p.secretKeys, ["p:db"]);
            assert.deepStrictEqual(JSON.parse(p.config["p:db"]!), { user: "app", password: SECRET_PLACEHOLDER });
            assert.strictEqual(p.config["p:plain"], "3");
        } finally {
            t.remove();
        }
    });

    it("reports what stops it reading the project as ConfigError", () => {
        const t = tempDir("plan-project-");
        try {
            assert.throws(
                () => loadProject(t.dir, "dev"),
                (e: unknown) => e instanceof ConfigError && /no Pulumi.yaml/.test(e.message),
            );
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: python\n");
            assert.throws(
                () => loadProject(t.dir, "dev"),
                (e: unknown) => e instanceof ConfigError && /runtime 'python'/.test(e.message),
            );
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: missing.ts\n");
            assert.throws(
                () => loadProject(t.dir, "dev"),
                (e: unknown) => e instanceof ConfigError && /missing.ts/.test(e.message),
            );
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config: [unclosed\n");
            assert.throws(
                () => loadProject(t.dir, "dev"),
                (e: unknown) => e instanceof ConfigError && /not valid YAML/.test(e.message),
            );
            assert.throws(() => loadProject(t.dir, "bad stack"), ConfigError);
        } finally {
            t.remove();
        }
    });

    it("collects what the CLI would refuse (types, required keys, plain secrets) as problems, all of them, without stopping", () => {
        const t = tempDir("plan-project-");
        try {
            fs.writeFileSync(
                path.join(t.dir, "Pulumi.yaml"),
                "name: p\nruntime: nodejs\nconfig:\n  count:\n    type: integer\n    default: 2\n  layout:\n    type: string\n    description: required\n  token:\n    secret: true\n  flags:\n    type: array\n",
            );
            fs.writeFileSync(path.join(t.dir, "index.ts"), "");
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  count: many\n  token: plain-text\n  flags: not-a-list\n");
            const p = loadProject(t.dir, "dev", { problems: "collect" });
            assert.deepStrictEqual(p.problems, [
                "p:layout: missing: stack 'dev' must set it (declared in Pulumi.yaml without a default)",
                "p:count: must be an integer, not \"many\" (declared type 'integer' in Pulumi.yaml)",
                "p:flags: must be a list (declared type 'array' in Pulumi.yaml)",
                "p:token: declared secret in Pulumi.yaml but not a secure value (set it with `pulumi config set --secret`)",
            ]);
            // The program still gets the values, to report its own problems with these.
            assert.strictEqual(p.config["p:count"], "many");
            // Callers that do not collect them (the estate review) get them all in one ConfigError.
            assert.throws(
                () => loadProject(t.dir, "dev"),
                (e: unknown) =>
                    e instanceof ConfigError &&
                    e.message.startsWith("Stack settings (4 problems the Pulumi CLI would refuse):\n  - p:layout: missing") &&
                    e.message.includes("  - p:token: declared secret"),
            );
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  count: 5\n  layout: x\n  flags: [a]\n  token:\n    secure: AAAA\n");
            assert.deepStrictEqual(loadProject(t.dir, "dev").problems, []);
        } finally {
            t.remove();
        }
    });

    it("says to quote a 12-digit account ID with a leading zero, which YAML reads as a number, with the original text", () => {
        const t = tempDir("plan-project-");
        try {
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            fs.writeFileSync(path.join(t.dir, "index.ts"), "");
            fs.writeFileSync(
                path.join(t.dir, "Pulumi.dev.yaml"),
                "config:\n  p:accounts:\n    audit:\n      existingId: 012345678901\n      quoted: '012345678901'\n    logs:\n      existingId: 123456789012\n  p:ids: [000000000042]\n",
            );
            const p = loadProject(t.dir, "dev", { problems: "collect" });
            assert.deepStrictEqual(p.problems, [
                "p:accounts.audit.existingId: 012345678901 in Pulumi.dev.yaml is not quoted, so YAML reads it as the number 12345678901 and the leading zero is lost; quote account IDs: '012345678901'",
                "p:ids[0]: 000000000042 in Pulumi.dev.yaml is not quoted, so YAML reads it as the number 42 and the leading zero is lost; quote account IDs: '000000000042'",
            ]);
            assert.deepStrictEqual(JSON.parse(p.config["p:accounts"]!).audit, { existingId: 12345678901, quoted: "012345678901" });
        } finally {
            t.remove();
        }
    });

    it("knows where secret values sit inside structured config", () => {
        const p = loadProject(fixture("secret-config"), "dev");
        assert.deepStrictEqual(p.secretKeys, ["secret-demo:contact"]);
        assert.deepStrictEqual(p.secretPaths, ["secret-demo:contact.email"]);
        assert.deepStrictEqual(JSON.parse(p.config["secret-demo:contact"]!), { name: "platform", email: SECRET_PLACEHOLDER });
    });

    it("chooses the entry point as the language host does: package.json main, ES modules' index files", () => {
        const esm = loadProject(fixture("esm-program"), "dev");
        assert.strictEqual(esm.moduleType, "module");
        assert.strictEqual(esm.main, path.join(fixture("esm-program"), "index.ts"));
        const cjs = loadProject(fixture("program-output"), "dev");
        assert.strictEqual(cjs.moduleType, "commonjs");
        assert.strictEqual(cjs.main, fixture("program-output"));
        assert.deepStrictEqual(cjs.warnings, [`Could not find entry point 'bin/index.js' specified in package.json; using '${fixture("program-output")}' instead`]);
        const t = tempDir("plan-project-");
        try {
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            fs.mkdirSync(path.join(t.dir, "src"));
            fs.writeFileSync(path.join(t.dir, "src", "main.ts"), "");
            fs.writeFileSync(path.join(t.dir, "package.json"), JSON.stringify({ main: "src/main.ts" }));
            assert.strictEqual(loadProject(t.dir, "dev").main, path.join(t.dir, "src", "main.ts"));
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: src/index.mts\n");
            fs.writeFileSync(path.join(t.dir, "src", "index.mts"), "");
            const mts = loadProject(t.dir, "dev");
            assert.strictEqual(mts.moduleType, "module", ".mts is an ES module whatever the package type");
        } finally {
            t.remove();
        }
    });

    it("qualifies keys", () => {
        assert.strictEqual(fullKey("proj", "key"), "proj:key");
        assert.strictEqual(fullKey("proj", "aws:region"), "aws:region");
        assert.throws(() => fullKey("proj", ":x"), ConfigError);
    });
});

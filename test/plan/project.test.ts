import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, SECRET_PLACEHOLDER, fullKey, loadProject } from "../../tools/plan/project";
import { fixture, tempDir } from "./helpers";

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

    it("reports config problems as ConfigError", () => {
        const t = tempDir("plan-project-");
        try {
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /no Pulumi.yaml/.test(e.message));
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: python\n");
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /runtime 'python'/.test(e.message));
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: missing.ts\n");
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /missing.ts/.test(e.message));
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nconfig:\n  token:\n    secret: true\n");
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  token: plain-text\n");
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /p:token.*secret/.test(e.message));
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nconfig:\n  count:\n    type: integer\n    default: 2\n");
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  count: many\n");
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /'p:count' must be an integer, not "many"/.test(e.message));
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  count: 5\n");
            assert.strictEqual(loadProject(t.dir, "dev").config["p:count"], "5");
            // A project key declared without a default must be set by every stack, as the CLI requires.
            fs.writeFileSync(path.join(t.dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nconfig:\n  layout:\n    type: string\n    description: required\n");
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  other: 1\n");
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /Stack 'dev' is missing configuration value 'p:layout'/.test(e.message));
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config:\n  layout: x\n");
            assert.strictEqual(loadProject(t.dir, "dev").config["p:layout"], "x");
            fs.writeFileSync(path.join(t.dir, "Pulumi.dev.yaml"), "config: [unclosed\n");
            assert.throws(() => loadProject(t.dir, "dev"), (e: unknown) => e instanceof ConfigError && /not valid YAML/.test(e.message));
            assert.throws(() => loadProject(t.dir, "bad stack"), ConfigError);
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

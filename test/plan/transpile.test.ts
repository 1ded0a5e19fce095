// The offline plan's TypeScript loader (tools/lib/register.js, transpile.js): files run as
// ts-node's transpile-only mode runs them, the output is cached by content, the project's
// compiler options that change the code are honoured, and a syntax error names its place.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, tempDir } from "./support";

const { parseJsonc, readCompilerOptions } = require("../../tools/lib/transpile") as {
    parseJsonc(text: string): unknown;
    readCompilerOptions(file: string): Record<string, unknown>;
};

const REGISTER = path.join(ROOT, "tools", "lib", "register.js");

function run(file: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TS_NODE_") && !k.startsWith("PLAN_")) clean[k] = v;
    const r = spawnSync(process.execPath, ["-r", REGISTER, file], { env: { ...clean, ...env }, encoding: "utf8", cwd: path.dirname(file) });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cachedFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".js"));
}

describe("plan: TypeScript loader", function () {
    this.timeout(60_000);

    it("runs TypeScript and keeps its output by content: unchanged files are not transpiled again", () => {
        const t = tempDir("plan-transpile-");
        try {
            const cache = path.join(t.dir, "cache");
            fs.writeFileSync(path.join(t.dir, "lib.ts"), "export enum Level { Low = 1, High }\nexport const twice = (n: number): number => n * 2;\n");
            fs.writeFileSync(path.join(t.dir, "main.ts"), 'import { Level, twice } from "./lib";\nconsole.log(twice(21), Level.High);\n');
            const env = { PLAN_TRANSPILE_CACHE: cache, PLAN_TSCONFIG: "" };
            assert.deepStrictEqual(run(path.join(t.dir, "main.ts"), env).stdout, "42 2\n");
            const first = cachedFiles(cache);
            assert.strictEqual(first.length, 2);
            // The cache answers: a cached output that says something else is what runs.
            const libOut = first.map((f) => path.join(cache, f)).find((f) => fs.readFileSync(f, "utf8").includes("n * 2"))!;
            fs.writeFileSync(libOut, fs.readFileSync(libOut, "utf8").replace("n * 2", "n * 3"));
            assert.strictEqual(run(path.join(t.dir, "main.ts"), env).stdout, "63 2\n");
            // A changed file is transpiled again.
            fs.writeFileSync(path.join(t.dir, "lib.ts"), "export enum Level { Low = 1, High }\nexport const twice = (n: number): number => n + n;\n");
            assert.strictEqual(run(path.join(t.dir, "main.ts"), env).stdout, "42 2\n");
            assert.strictEqual(cachedFiles(cache).length, 3);
            // No cache at all: every start transpiles.
            assert.strictEqual(run(path.join(t.dir, "main.ts"), { ...env, PLAN_TRANSPILE_CACHE: "off" }).stdout, "42 2\n");
        } finally {
            t.remove();
        }
    });

    it("names the file, line and column of a syntax error", () => {
        const t = tempDir("plan-transpile-");
        try {
            const file = path.join(t.dir, "broken.ts");
            fs.writeFileSync(file, "const a = 1;\nconst b: number = (a +;\n");
            const r = run(file, { PLAN_TRANSPILE_CACHE: "off", PLAN_TSCONFIG: "" });
            assert.notStrictEqual(r.status, 0);
            assert.ok(r.stderr.includes(`SyntaxError: cannot transpile TypeScript:\n${file}(2,23): error: Unexpected ";"`), r.stderr);
        } finally {
            t.remove();
        }
    });

    it("follows the project's compiler options that change the code: class fields, decorator metadata", () => {
        const t = tempDir("plan-transpile-");
        try {
            const source = [
                "function seen(target: object, key: string): void { console.log(key, String(Reflect.getOwnMetadata?.('design:type', target, key) ?? 'no metadata')); }",
                "(Reflect as any).getOwnMetadata ??= (_k: string, t: any, p: string) => t.__meta?.[p];",
                "(Reflect as any).metadata ??= (k: string, v: unknown) => (t: any, p: string) => { t.__meta = { ...t.__meta, [p]: (v as any).name }; };",
                "class Base { set value(v: number) { console.log('setter', v); } }",
                "class Child extends Base { value = 1; }",
                "new Child();",
                "class Decorated { @seen name!: string; }",
                "void Decorated;",
                "",
            ].join("\n");
            fs.writeFileSync(path.join(t.dir, "main.ts"), source);
            // target ES2020 (class fields assigned, so the setter runs) and decorator metadata, as tsc emits them.
            fs.writeFileSync(
                path.join(t.dir, "tsconfig.json"),
                '{\n  // comments and trailing commas, as tsconfig.json allows\n  "compilerOptions": { "target": "ES2020", "experimentalDecorators": true, "emitDecoratorMetadata": true, },\n}\n',
            );
            const old = run(path.join(t.dir, "main.ts"), { PLAN_TRANSPILE_CACHE: "off", PLAN_TSCONFIG: path.join(t.dir, "tsconfig.json") });
            assert.strictEqual(old.stdout, "setter 1\nname String\n", old.stderr);
            // ES2022 defines class fields: the base's setter is not called.
            fs.writeFileSync(path.join(t.dir, "tsconfig.json"), '{ "compilerOptions": { "target": "ES2022", "experimentalDecorators": true } }');
            const modern = run(path.join(t.dir, "main.ts"), { PLAN_TRANSPILE_CACHE: "off", PLAN_TSCONFIG: path.join(t.dir, "tsconfig.json") });
            assert.strictEqual(modern.stdout, "name no metadata\n", modern.stderr);
        } finally {
            t.remove();
        }
    });

    it("reads tsconfig.json as TypeScript does: comments, trailing commas, extends", () => {
        assert.deepStrictEqual(parseJsonc('{\n  // a comment\n  "a": "http://x", /* another */ "b": [1, 2,],\n}'), { a: "http://x", b: [1, 2] });
        const t = tempDir("plan-transpile-");
        try {
            fs.writeFileSync(path.join(t.dir, "base.json"), '{ "compilerOptions": { "target": "ES2019", "strict": true } }');
            fs.writeFileSync(path.join(t.dir, "tsconfig.json"), '{ "extends": "./base.json", "compilerOptions": { "target": "ES2022" } }');
            assert.deepStrictEqual(readCompilerOptions(path.join(t.dir, "tsconfig.json")), { target: "ES2022", strict: true });
        } finally {
            t.remove();
        }
    });
});

describe("plan: the SDK's quicker start (tools/lib/sdk-startup.js)", function () {
    this.timeout(60_000);

    it("leaves function serialization and the Automation API unloaded until used, and they still work", () => {
        const script = [
            "const p = require('@pulumi/pulumi');",
            "const loaded = (m) => Object.keys(require.cache).some((k) => k.includes(require('path').join('node_modules', m, '')));",
            "const before = { typescript: loaded('typescript'), arborist: loaded('@npmcli/arborist') };",
            "const automation = typeof p.automation.LocalWorkspace;",
            "p.runtime.serializeFunction(() => 'forty-two').then((s) => console.log(JSON.stringify({ before, automation, serialized: s.text.includes('forty-two'), typescript: loaded('typescript') })));",
        ].join("\n");
        const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "tools", "lib", "sdk-startup.js"), "-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(r.stdout), { before: { typescript: false, arborist: false }, automation: "function", serialized: true, typescript: true });
    });
});

// Reads a Pulumi project (Pulumi.yaml) and a stack's settings (Pulumi.<stack>.yaml) the way the
// Pulumi CLI does before it starts a Node.js program, and produces the configuration map that
// the CLI hands to the language host (PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** A problem with Pulumi.yaml or the stack's settings: reported as a config error (exit 2). */
export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/**
 * What the program sees in place of a `secure:` value. The ciphertext can only be decrypted by
 * the stack's secrets provider (passphrase, KMS or the Pulumi Cloud), which a fork's pull
 * request does not have; the plan runs with this placeholder and marks the key secret.
 */
export const SECRET_PLACEHOLDER = "[secret]";

export interface ProjectInfo {
    /** Absolute project directory. */
    dir: string;
    name: string;
    runtime: string;
    /** Absolute path of the program entry (file or directory), from `main:` or the directory. */
    main: string;
    /** Whether `main:` was given in Pulumi.yaml. */
    hasMain: boolean;
    stack: string;
    /** The stack settings file, or undefined when it does not exist (empty config). */
    stackFile?: string;
    /** Full key ("ns:key") to the string the CLI passes to the program (objects as JSON). */
    config: Record<string, string>;
    /** Full keys whose value is (or contains) a secret. */
    secretKeys: string[];
    /**
     * Where a `secure:` value sits: the full key, then the path inside a structured value
     * ("landing-zone:accounts.dev.email"). The program sees the placeholder there.
     */
    secretPaths: string[];
    /**
     * Problems with the stack's settings that the CLI would refuse (a value of the wrong type for
     * Pulumi.yaml's declaration, a required key missing, an account ID YAML read as a number).
     * They do not stop the program: it runs, so that its own config problems are reported with
     * them, and the plan then fails as a config error.
     */
    problems: string[];
    /** The nearest package.json's "type": "module" makes .ts and .js files ES modules. */
    moduleType: "commonjs" | "module";
    /** Said about the entry point, as the language host says it (a missing package.json main). */
    warnings: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `secure:` marker object as written by `pulumi config set --secret`. */
function isSecure(v: unknown): boolean {
    return isPlainObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

/** "key", ".name" or "[2]" appended to a config path, as the landing zone's messages write them. */
function childPath(parent: string, key: string | number): string {
    if (typeof key === "number") return `${parent}[${key}]`;
    return /^[A-Za-z_][\w-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Replaces every nested `secure:` value by the placeholder; reports whether it found any and
 * where (paths below `at`).
 */
function stripSecure(v: unknown, at: string, paths: string[]): { value: unknown; secret: boolean } {
    if (isSecure(v)) {
        paths.push(at);
        return { value: SECRET_PLACEHOLDER, secret: true };
    }
    if (Array.isArray(v)) {
        let secret = false;
        const value = v.map((e, i) => {
            const r = stripSecure(e, childPath(at, i), paths);
            secret = secret || r.secret;
            return r.value;
        });
        return { value, secret };
    }
    if (isPlainObject(v)) {
        let secret = false;
        const value: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) {
            const r = stripSecure(e, childPath(at, k), paths);
            secret = secret || r.secret;
            value[k] = r.value;
        }
        return { value, secret };
    }
    return { value: v, secret: false };
}

/** The CLI passes scalars as their string form and structured values as JSON. */
function toConfigString(v: unknown): string {
    if (typeof v === "string") {
        return v;
    }
    if (v === null || v === undefined) {
        return "";
    }
    if (typeof v === "number" || typeof v === "boolean") {
        return String(v);
    }
    return JSON.stringify(v);
}

function readYaml(file: string): { value: unknown; doc: YAML.Document.Parsed } {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
        throw new ConfigError(`${file} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
    }
    return { value: doc.toJS() ?? {}, doc };
}

/**
 * Account IDs are 12 digits and may start with 0. Unquoted, YAML reads `012345678901` as the
 * number 12345678901, and the program gets an 11-digit number: the leading zero is lost before
 * any validation can see it. Finds such values under a config mapping node, with their text.
 */
function unquotedZeroLedIds(node: unknown, at: string, out: { path: string; text: string; value: unknown }[]): void {
    if (YAML.isScalar(node)) {
        const text = (node as YAML.Scalar & { source?: string }).source;
        if (node.type === "PLAIN" && typeof text === "string" && /^0\d{11}$/.test(text)) out.push({ path: at, text, value: node.value });
    } else if (YAML.isSeq(node)) {
        node.items.forEach((item, i) => unquotedZeroLedIds(item, childPath(at, i), out));
    } else if (YAML.isMap(node)) {
        for (const pair of node.items) {
            const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
            unquotedZeroLedIds(pair.value, childPath(at, key), out);
        }
    }
}

function zeroLedIdProblems(doc: YAML.Document.Parsed, fileName: string, keyOf: (k: string) => string): string[] {
    const config = doc.get("config", true);
    if (!YAML.isMap(config)) return [];
    const found: { path: string; text: string; value: unknown }[] = [];
    for (const pair of config.items) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        unquotedZeroLedIds(pair.value, keyOf(key), found);
    }
    return found.map((f) => `${f.path}: ${f.text} in ${fileName} is not quoted, so YAML reads it as the number ${String(f.value)} and the leading zero is lost; quote account IDs: '${f.text}'`);
}

/** "key" belongs to the project; "ns:key" to namespace ns. Returns the full key. */
export function fullKey(project: string, key: string): string {
    if (key.includes(":")) {
        const [ns, ...rest] = key.split(":");
        if (!ns || rest.join(":") === "") {
            throw new ConfigError(`invalid configuration key '${key}'`);
        }
        return key;
    }
    return `${project}:${key}`;
}

/** Why `v` does not fit a Pulumi.yaml config type, or undefined when it does. */
function typeProblem(v: unknown, type: string): string | undefined {
    const scalar = typeof v === "string" || typeof v === "number" || typeof v === "boolean";
    switch (type) {
        case "string":
            return scalar ? undefined : "must be a string, not a structured value";
        case "integer":
            return (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v)) ? undefined : `must be an integer, not ${JSON.stringify(v)}`;
        case "boolean":
            return typeof v === "boolean" || v === "true" || v === "false" ? undefined : `must be a boolean, not ${JSON.stringify(v)}`;
        case "array":
            return Array.isArray(v) ? undefined : "must be a list";
        default:
            return undefined;
    }
}

const stackNamePattern = /^[A-Za-z0-9_.\-/]+$/;

/** The stack settings' problems, one per line under a heading. */
export function describeProblems(problems: string[]): string {
    const n = problems.length;
    return `Stack settings (${n} problem${n === 1 ? "" : "s"} the Pulumi CLI would refuse):\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}

export interface LoadOptions {
    /**
     * What to do with what the CLI would refuse in the stack settings (ProjectInfo.problems):
     * "throw" (default) a ConfigError listing them all; "collect" them and go on, as the plan
     * does to report them with the program's own config problems.
     */
    problems?: "throw" | "collect";
}

/**
 * Loads Pulumi.yaml and Pulumi.<stack>.yaml from `dir`. Throws ConfigError on any problem (with
 * `problems: "collect"`, only on those that stop it reading the project).
 */
export function loadProject(dir: string, stack: string, opts: LoadOptions = {}): ProjectInfo {
    const absDir = path.resolve(dir);
    if (!stack || !stackNamePattern.test(stack)) {
        throw new ConfigError(`invalid stack name '${stack}'`);
    }
    // Like the CLI, accept Pulumi.yaml or Pulumi.yml.
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(absDir, f)).find((f) => fs.existsSync(f));
    if (!projectFile) {
        throw new ConfigError(`no Pulumi.yaml found in ${absDir}`);
    }
    const { value: project, doc: projectDoc } = readYaml(projectFile);
    if (!isPlainObject(project)) {
        throw new ConfigError(`${projectFile}: expected a mapping`);
    }
    const name = project.name;
    if (typeof name !== "string" || name === "") {
        throw new ConfigError(`${projectFile}: 'name' is required`);
    }
    const runtimeField = project.runtime;
    const runtime = typeof runtimeField === "string" ? runtimeField : isPlainObject(runtimeField) ? String(runtimeField.name) : "";
    if (runtime !== "nodejs") {
        throw new ConfigError(`${projectFile}: runtime '${runtime || "(none)"}' is not supported; only nodejs programs can be planned`);
    }
    const mainField = project.main;
    if (mainField !== undefined && typeof mainField !== "string") {
        throw new ConfigError(`${projectFile}: 'main' must be a string`);
    }
    const main = path.resolve(absDir, mainField ?? ".");
    if (!fs.existsSync(main)) {
        throw new ConfigError(`${projectFile}: main '${mainField}' does not exist`);
    }
    const entry = resolveEntry(main, mainField !== undefined);

    const config: Record<string, string> = {};
    const secret = new Set<string>();
    const secretPaths = new Map<string, string[]>();
    const raws = new Map<string, unknown>();
    const problems: string[] = [];
    const set = (key: string, raw: unknown) => {
        raws.set(key, raw);
        const paths: string[] = [];
        const r = stripSecure(raw, key, paths);
        secretPaths.set(key, paths);
        config[key] = toConfigString(r.value);
        if (r.secret) {
            secret.add(key);
        } else {
            secret.delete(key);
        }
    };

    // Project-level config: `key: {type, default, secret, ...}` for the project's own keys,
    // `ns:key: value` or `ns:key: {value: ...}` for other namespaces; a bare value is a default.
    const projectConfig = project.config ?? {};
    if (!isPlainObject(projectConfig)) {
        throw new ConfigError(`${projectFile}: 'config' must be a mapping`);
    }
    const declaredSecret = new Set<string>();
    const declaredType = new Map<string, string>();
    /** Project keys declared with no default or value: the CLI requires every stack to set them. */
    const requiredKeys: string[] = [];
    problems.push(...zeroLedIdProblems(projectDoc, path.basename(projectFile), (k) => fullKey(name, k)));
    for (const [key, decl] of Object.entries(projectConfig)) {
        const k = fullKey(name, key);
        if (isPlainObject(decl) && !isSecure(decl) && ("type" in decl || "default" in decl || "value" in decl || "secret" in decl || "description" in decl)) {
            if (!("default" in decl) && !("value" in decl) && k.startsWith(`${name}:`)) requiredKeys.push(k);
            if (decl.secret === true) {
                declaredSecret.add(k);
            }
            if (typeof decl.type === "string") {
                declaredType.set(k, decl.type);
            }
            const v = "value" in decl ? decl.value : decl.default;
            if (v !== undefined) {
                set(k, v);
            }
        } else {
            set(k, decl);
        }
    }

    const stackFile = ["yaml", "yml"].map((ext) => path.join(absDir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
    if (stackFile) {
        const { value: settings, doc } = readYaml(stackFile);
        if (!isPlainObject(settings)) {
            throw new ConfigError(`${stackFile}: expected a mapping`);
        }
        const stackConfig = settings.config ?? {};
        if (!isPlainObject(stackConfig)) {
            throw new ConfigError(`${stackFile}: 'config' must be a mapping`);
        }
        for (const [key, value] of Object.entries(stackConfig)) {
            set(fullKey(name, key), value);
        }
        problems.push(...zeroLedIdProblems(doc, path.basename(stackFile), (k) => fullKey(name, k)));
    }
    // What the CLI refuses before it starts the program: collected, not thrown, so that the
    // program's own config problems are reported with them (see ProjectInfo.problems).
    for (const k of requiredKeys) {
        if (!(k in config)) {
            problems.push(`${k}: missing: stack '${stack}' must set it (declared in Pulumi.yaml without a default)`);
        }
    }
    // The CLI checks values against the simple types Pulumi.yaml declares.
    for (const [k, type] of declaredType) {
        if (!raws.has(k) || secret.has(k)) continue;
        const problem = typeProblem(raws.get(k), type);
        if (problem) {
            problems.push(`${k}: ${problem} (declared type '${type}' in Pulumi.yaml)`);
        }
    }
    for (const k of declaredSecret) {
        if (k in config && !secret.has(k)) {
            // The CLI refuses a plain value for a key the project declares secret.
            problems.push(`${k}: declared secret in Pulumi.yaml but not a secure value (set it with \`pulumi config set --secret\`)`);
        }
    }

    if (problems.length > 0 && opts.problems !== "collect") {
        throw new ConfigError(describeProblems(problems));
    }
    return {
        dir: absDir,
        name,
        runtime,
        main: entry.main,
        hasMain: mainField !== undefined,
        stack,
        stackFile,
        config,
        secretKeys: [...secret].sort(),
        secretPaths: [...secret].sort().flatMap((k) => secretPaths.get(k) ?? []),
        problems,
        moduleType: entry.moduleType,
        warnings: entry.warnings,
    };
}

/** The nearest package.json at or above `dir`, as the language host finds the package root. */
export function findPackageJson(dir: string): string | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        const f = path.join(d, "package.json");
        if (fs.existsSync(f)) return f;
        if (path.dirname(d) === d) return undefined;
    }
}

function readPackageJson(file: string | undefined): Record<string, unknown> {
    if (!file) return {};
    try {
        const v = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
        return isPlainObject(v) ? v : {};
    } catch {
        return {};
    }
}

/**
 * The program's entry point as the Node.js language host chooses it: `main` from Pulumi.yaml;
 * else the package's `exports` or `main` (a missing one is warned about and skipped); else the
 * project directory. An ES module package ("type": "module") is imported, so a directory
 * becomes its index file (index.js, index.mjs, index.ts, index.mts, in that order).
 *
 * One difference: the language host takes `exports`/`main` from the nearest package.json above
 * the program, wherever it is; the plan only from the project directory's own, so that a
 * project nested in another package (a test fixture) is not mistaken for that package.
 */
function resolveEntry(main: string, fromPulumiYaml: boolean): { main: string; moduleType: "commonjs" | "module"; warnings: string[] } {
    const isDir = fs.statSync(main).isDirectory();
    const pkgFile = findPackageJson(isDir ? main : path.dirname(main));
    const pkg = readPackageJson(pkgFile);
    const moduleType = pkg.type === "module" ? "module" : "commonjs";
    const warnings: string[] = [];
    let entry = main;
    if (!fromPulumiYaml && isDir && pkgFile && path.dirname(pkgFile) === main) {
        const root = path.dirname(pkgFile);
        const exp = pkg.exports;
        const dot = isPlainObject(exp) ? exp["."] : undefined;
        const declared =
            typeof exp === "string"
                ? exp
                : typeof dot === "string"
                  ? dot
                  : isPlainObject(dot)
                    ? [dot.default, dot.require, dot.import].find((x): x is string => typeof x === "string")
                    : typeof pkg.main === "string" && pkg.main !== ""
                      ? pkg.main
                      : undefined;
        if (declared !== undefined) {
            const p = path.join(root, declared);
            if (fs.existsSync(p)) entry = p;
            else warnings.push(`Could not find entry point '${declared}' specified in package.json; using '${main}' instead`);
        }
    }
    if ((moduleType === "module" || /\.m[jt]s$/.test(entry)) && fs.statSync(entry).isDirectory()) {
        const index = ["index.js", "index.mjs", "index.ts", "index.mts"].find((f) => fs.existsSync(path.join(entry, f)));
        if (!index) throw new ConfigError(`no entry point found in ${entry} (index.js, index.mjs, index.ts or index.mts)`);
        entry = path.join(entry, index);
    }
    return { main: entry, moduleType: moduleType === "module" || /\.m[jt]s$/.test(entry) ? "module" : "commonjs", warnings };
}

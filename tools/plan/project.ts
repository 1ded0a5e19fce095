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
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `secure:` marker object as written by `pulumi config set --secret`. */
function isSecure(v: unknown): boolean {
    return isPlainObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

/** Replaces every nested `secure:` value by the placeholder; reports whether it found any. */
function stripSecure(v: unknown): { value: unknown; secret: boolean } {
    if (isSecure(v)) {
        return { value: SECRET_PLACEHOLDER, secret: true };
    }
    if (Array.isArray(v)) {
        let secret = false;
        const value = v.map((e) => {
            const r = stripSecure(e);
            secret = secret || r.secret;
            return r.value;
        });
        return { value, secret };
    }
    if (isPlainObject(v)) {
        let secret = false;
        const value: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) {
            const r = stripSecure(e);
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

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
    }
    try {
        return YAML.parse(text) ?? {};
    } catch (e) {
        throw new ConfigError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
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

/** Loads Pulumi.yaml and Pulumi.<stack>.yaml from `dir`. Throws ConfigError on any problem. */
export function loadProject(dir: string, stack: string): ProjectInfo {
    const absDir = path.resolve(dir);
    if (!stack || !stackNamePattern.test(stack)) {
        throw new ConfigError(`invalid stack name '${stack}'`);
    }
    // Like the CLI, accept Pulumi.yaml or Pulumi.yml.
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(absDir, f)).find((f) => fs.existsSync(f));
    if (!projectFile) {
        throw new ConfigError(`no Pulumi.yaml found in ${absDir}`);
    }
    const project = readYaml(projectFile);
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

    const config: Record<string, string> = {};
    const secret = new Set<string>();
    const raws = new Map<string, unknown>();
    const set = (key: string, raw: unknown) => {
        raws.set(key, raw);
        const r = stripSecure(raw);
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
        const settings = readYaml(stackFile);
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
    }
    for (const k of requiredKeys) {
        if (!(k in config)) {
            throw new ConfigError(`Stack '${stack}' is missing configuration value '${k}' (declared in Pulumi.yaml without a default)`);
        }
    }
    // The CLI checks values against the simple types Pulumi.yaml declares.
    for (const [k, type] of declaredType) {
        if (!raws.has(k) || secret.has(k)) continue;
        const problem = typeProblem(raws.get(k), type);
        if (problem) {
            throw new ConfigError(`configuration key '${k}' ${problem} (declared type '${type}' in Pulumi.yaml)`);
        }
    }
    for (const k of declaredSecret) {
        if (k in config && !secret.has(k)) {
            // The CLI refuses a plain value for a key the project declares secret.
            throw new ConfigError(`configuration key '${k}' is declared secret in Pulumi.yaml but is not a secure value`);
        }
    }

    return {
        dir: absDir,
        name,
        runtime,
        main,
        hasMain: mainField !== undefined,
        stack,
        stackFile,
        config,
        secretKeys: [...secret].sort(),
    };
}

// @ts-check
// TypeScript to JavaScript for the offline plan's processes (the plan itself, the program's
// process and the policy pack's), with esbuild and an on-disk cache.
//
// The Pulumi language host runs TypeScript through ts-node, which loads the TypeScript compiler
// (about a second) and transpiles every file at every start. The plan transpiles each file one
// module at a time, as ts-node's transpile-only mode does (no type information crosses files),
// with esbuild, and keeps the output keyed by the file's content, its path and the compiler
// options, so that an unchanged file is read, not transpiled, on the next run. Only the options
// that change the emitted code are taken from the project's tsconfig.json; a project that needs
// decorator metadata (which esbuild cannot emit) is transpiled with the TypeScript compiler.
//
// Plain JavaScript: it is what makes TypeScript loadable, so it cannot be TypeScript itself.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Source maps are emitted (inline) when PLAN_SOURCE_MAPS=1, for stack traces that name
 * TypeScript lines (the plan's --verbose); otherwise not, which makes loading lighter.
 *
 * Where transpiled files are kept: PLAN_TRANSPILE_CACHE, "off" to keep nothing (every file is
 * transpiled at every start, as the benchmark's cold runs do).
 */
function cacheDir() {
    const env = process.env.PLAN_TRANSPILE_CACHE;
    if (env === "off") return undefined;
    return env || path.join(REPO_ROOT, "node_modules", ".cache", "offline-plan");
}

/** JSON with comments and trailing commas, as tsconfig.json allows. */
function parseJsonc(text) {
    let out = "";
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            const start = i;
            for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
            out += text.slice(start, i + 1);
        } else if (c === "/" && text[i + 1] === "/") {
            while (i < text.length && text[i] !== "\n") i++;
            out += "\n";
        } else if (c === "/" && text[i + 1] === "*") {
            i = text.indexOf("*/", i + 2);
            if (i < 0) i = text.length;
            else i++;
        } else {
            out += c;
        }
    }
    return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

/**
 * The compilerOptions of a tsconfig.json, following `extends` (a path, or a package's file).
 * @param {string} file
 * @param {number} [depth]
 * @returns {Record<string, unknown>}
 */
function readCompilerOptions(file, depth = 0) {
    const config = parseJsonc(fs.readFileSync(file, "utf8"));
    /** @type {Record<string, unknown>} */
    let base = {};
    const ext = config.extends;
    for (const e of Array.isArray(ext) ? ext : ext ? [ext] : []) {
        if (typeof e !== "string" || depth > 10) continue;
        let target;
        if (e.startsWith(".") || path.isAbsolute(e)) {
            target = path.resolve(path.dirname(file), e);
            if (!fs.existsSync(target) && fs.existsSync(`${target}.json`)) target = `${target}.json`;
        } else {
            try {
                target = require.resolve(e, { paths: [path.dirname(file)] });
            } catch {
                target = require.resolve(`${e}/tsconfig.json`, { paths: [path.dirname(file)] });
            }
        }
        base = { ...base, ...readCompilerOptions(target, depth + 1) };
    }
    return { ...base, ...(config.compilerOptions || {}) };
}

/** Compiler options that change the emitted code, as esbuild reads them from a tsconfig. */
const EMIT_OPTIONS = [
    "target",
    "useDefineForClassFields",
    "experimentalDecorators",
    "emitDecoratorMetadata",
    "verbatimModuleSyntax",
    "preserveValueImports",
    "importsNotUsedAsValues",
    "alwaysStrict",
    "strict",
    "jsx",
    "jsxFactory",
    "jsxFragmentFactory",
    "jsxImportSource",
];

/**
 * The options in force for this process: the tsconfig.json named by PLAN_TSCONFIG (empty: none,
 * the language host's defaults), else this repository's.
 * @returns {{ tsconfig: string | undefined; compilerOptions: Record<string, unknown> }}
 */
function processOptions() {
    const env = process.env.PLAN_TSCONFIG;
    const tsconfig = env === undefined ? path.join(REPO_ROOT, "tsconfig.json") : env || undefined;
    // The language host's defaults when the project has no tsconfig.json.
    /** @type {Record<string, unknown>} */
    let compilerOptions = { target: "ES2020" };
    if (tsconfig) compilerOptions = { ...compilerOptions, ...readCompilerOptions(tsconfig) };
    /** @type {Record<string, unknown>} */
    const emit = {};
    for (const k of EMIT_OPTIONS) if (compilerOptions[k] !== undefined) emit[k] = compilerOptions[k];
    return { tsconfig, compilerOptions: emit };
}

/** @type {ReturnType<typeof processOptions> | undefined} */
let options;
/** esbuild's version, part of every cache key (read without loading esbuild). */
let esbuildVersion = "";
/** @type {typeof import("esbuild") | undefined} */
let esbuild;
/** @type {any} */
let typescript;

/**
 * @param {string} source
 * @param {string} filename
 * @param {"cjs" | "esm"} format
 * @param {Record<string, unknown>} compilerOptions
 */
function transformWithTypeScript(source, filename, format, compilerOptions) {
    typescript ??= require(require.resolve("typescript", { paths: [path.dirname(filename), REPO_ROOT] }));
    const ts = typescript;
    const { options: parsed } = ts.convertCompilerOptionsFromJson(compilerOptions, path.dirname(filename));
    return ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: {
            ...parsed,
            module: format === "esm" ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
            inlineSourceMap: process.env.PLAN_SOURCE_MAPS === "1",
            sourceMap: false,
            esModuleInterop: true,
        },
    }).outputText;
}

/**
 * Transpiles one file (cached). Syntax errors are thrown with the file, line and column, as
 * ts-node reports them.
 * @param {string} filename absolute path
 * @param {"cjs" | "esm"} format
 * @param {string} [source]
 * @returns {string}
 */
/** Part of every cache key: bump it when this file changes what a transform produces. */
const TRANSFORM_VERSION = 2;

function transpileFile(filename, format, source) {
    options ??= processOptions();
    const text = source ?? fs.readFileSync(filename, "utf8");
    esbuildVersion ||= require("esbuild/package.json").version;
    const useTypeScript = options.compilerOptions.emitDecoratorMetadata === true;
    const sourceMaps = process.env.PLAN_SOURCE_MAPS === "1";
    const dir = cacheDir();
    let cached;
    if (dir) {
        const key = crypto
            .createHash("sha256")
            .update(JSON.stringify([TRANSFORM_VERSION, esbuildVersion, useTypeScript, sourceMaps, options.compilerOptions, format, filename]))
            .update("\0")
            .update(text)
            .digest("hex");
        cached = path.join(dir, key.slice(0, 2), `${key}.js`);
        try {
            return fs.readFileSync(cached, "utf8");
        } catch {
            // not cached yet
        }
    }
    let code;
    esbuild ??= require("esbuild");
    if (useTypeScript) {
        code = transformWithTypeScript(text, filename, format, options.compilerOptions);
    } else {
        const loader = /\.[cm]?tsx$/.test(filename) ? "tsx" : "ts";
        try {
            code = esbuild.transformSync(text, {
                loader,
                format,
                platform: "node",
                target: `node${process.versions.node.split(".")[0]}`,
                sourcefile: filename,
                // Stack traces name TypeScript lines only where they are shown (--verbose).
                sourcemap: sourceMaps ? "inline" : false,
                tsconfigRaw: { compilerOptions: /** @type {any} */ (options.compilerOptions) },
                // As TypeScript does for module CommonJS: import() becomes a require, which resolves
                // extensionless and .ts paths (node16/nodenext keep a real import()).
                ...(format === "cjs" && !/^node(16|next)$/i.test(String(options.compilerOptions?.module ?? "")) ? { supported: { "dynamic-import": false } } : {}),
                logLevel: "silent",
            }).code;
        } catch (e) {
            throw syntaxError(e, filename);
        }
    }
    if (cached) {
        // Another process may write the same file at the same time: write aside, then rename.
        try {
            fs.mkdirSync(path.dirname(cached), { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, code);
            fs.renameSync(tmp, cached);
        } catch {
            // A cache that cannot be written only costs time.
        }
    }
    return code;
}

/**
 * esbuild's failure as a SyntaxError naming the place, like TypeScript's "file.ts(3,7): error".
 * @param {any} e
 * @param {string} filename
 */
function syntaxError(e, filename) {
    const errors = Array.isArray(e?.errors) ? e.errors : [];
    if (errors.length === 0) return e;
    const lines = errors.map((/** @type {any} */ m) => {
        const loc = m.location;
        return loc ? `${filename}(${loc.line},${loc.column + 1}): error: ${m.text}\n    ${loc.lineText}` : `${filename}: error: ${m.text}`;
    });
    const first = errors[0].location;
    const err = new SyntaxError(`cannot transpile TypeScript:\n${lines.join("\n")}`);
    // Where it is in the TypeScript, not where the loader threw.
    err.stack = `SyntaxError: ${err.message}\n    at ${filename}${first ? `:${first.line}:${first.column + 1}` : ""}`;
    return err;
}

/** Whether the nearest package.json makes `.ts` files ES modules ("type": "module"). */
function packageType(filename) {
    let dir = path.dirname(filename);
    for (;;) {
        const pj = path.join(dir, "package.json");
        if (fs.existsSync(pj)) {
            try {
                return JSON.parse(fs.readFileSync(pj, "utf8")).type === "module" ? "module" : "commonjs";
            } catch {
                return "commonjs";
            }
        }
        const up = path.dirname(dir);
        if (up === dir) return "commonjs";
        dir = up;
    }
}

module.exports = { REPO_ROOT, transpileFile, readCompilerOptions, parseJsonc, packageType, processOptions };

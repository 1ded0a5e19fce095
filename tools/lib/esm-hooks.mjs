// Module hooks (node:module register) for a program that is an ES module ("type": "module" or
// .mts), as the Pulumi Node.js language host loads such programs with import(): TypeScript is
// transpiled to ES modules by tools/lib/transpile.js (cached), "./x.js" finds "./x.ts" as with
// `moduleResolution: nodenext`, every "@pulumi/pulumi" is the one SDK the mocks are installed
// in, and a package the project does not have comes from this repository (reported through
// the port, so the plan can say so).
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { transpileFile, packageType } = require("./transpile.js");

/** @type {{ sdkBase: string; repoRoot: string; port?: import("node:worker_threads").MessagePort }} */
let data = { sdkBase: "", repoRoot: "" };

/** @param {typeof data} d */
export function initialize(d) {
    data = d;
}

/** "@scope/name/sub" -> "@scope/name". */
function packageNameOf(specifier) {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const TS_FOR_JS = [
    [/\.js$/, ".ts"],
    [/\.mjs$/, ".mts"],
    [/\.cjs$/, ".cts"],
];

export async function resolve(specifier, context, nextResolve) {
    if (specifier === "@pulumi/pulumi" || specifier.startsWith("@pulumi/pulumi/")) {
        return nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(data.sdkBase, "index.js")).href });
    }
    try {
        return await nextResolve(specifier, context);
    } catch (e) {
        if (e?.code !== "ERR_MODULE_NOT_FOUND" || !context.parentURL?.startsWith("file:")) throw e;
        if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:")) {
            // TypeScript sources imported by the name of their output.
            const target = specifier.startsWith("file:") ? fileURLToPath(specifier) : path.resolve(path.dirname(fileURLToPath(context.parentURL)), specifier);
            for (const [re, ext] of TS_FOR_JS) {
                if (re.test(target) && fs.existsSync(target.replace(re, ext))) return { url: pathToFileURL(target.replace(re, ext)).href, shortCircuit: true };
            }
            for (const candidate of [`${target}.ts`, path.join(target, "index.ts")]) {
                if (fs.existsSync(candidate)) return { url: pathToFileURL(candidate).href, shortCircuit: true };
            }
            throw e;
        }
        const found = await nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(data.repoRoot, "package.json")).href });
        data.port?.postMessage({ fellBack: packageNameOf(specifier) });
        return found;
    }
}

export async function load(url, context, nextLoad) {
    if (url.startsWith("file:") && /\.[cm]?tsx?$/.test(url)) {
        const filename = fileURLToPath(url);
        const format = /\.mtsx?$/.test(filename) ? "module" : /\.ctsx?$/.test(filename) ? "commonjs" : packageType(filename);
        if (format === "commonjs") {
            // Loaded by require(), through tools/lib/register.js in the program's process.
            return { format, shortCircuit: true };
        }
        return { format, shortCircuit: true, source: transpileFile(filename, "esm") };
    }
    return nextLoad(url, context);
}

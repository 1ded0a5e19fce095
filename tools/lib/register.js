// @ts-check
// `node -r tools/lib/register.js file.ts`: lets Node.js require TypeScript (.ts, .cts, .tsx)
// through tools/lib/transpile.js (esbuild, cached), as `-r ts-node/register/transpile-only`
// does. The options come from PLAN_TSCONFIG (see transpile.js). The offline plan starts itself,
// the program's process and the policy pack's with it.
"use strict";
const Module = require("module");
const { transpileFile } = require("./transpile");

/** @type {Record<string, (module: any, filename: string) => void>} */
const extensions = /** @type {any} */ (Module)._extensions;

for (const ext of [".ts", ".cts", ".tsx"]) {
    extensions[ext] = (module, filename) => {
        module._compile(transpileFile(filename, "cjs"), filename);
    };
}

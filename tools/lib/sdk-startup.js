// @ts-check
// `node -r tools/lib/sdk-startup.js`: loads @pulumi/pulumi without the parts a preview never
// uses until something uses them. Preloaded into the offline plan's program and policy pack
// processes.
//
// Loading @pulumi/pulumi loads, at once, its function serialization (runtime/closure: the
// TypeScript compiler and npm's package tree reader, about 60% of the SDK's load time), its
// Automation API, and gRPC (the mock monitor answers the program without it). A program (or a policy) that serializes a function, or uses the Automation
// API, still gets them, on first use: the SDK's exports are the same functions and namespaces,
// only loaded later.
"use strict";
const Module = require("module");
const path = require("path");

/** @type {(request: string, parent: any, isMain: boolean) => any} */
const load = /** @type {any} */ (Module)._load;
const SDK = path.join("@pulumi", "pulumi");

/** Functions runtime/index.js takes from its closure modules (it reads them at load time). */
/** @type {Record<string, string[]>} */
const DEFERRED_FUNCTIONS = {
    "./closure/serializeClosure": ["serializeFunctionAsync", "serializeFunction"],
    "./closure/codePaths": ["computeCodePaths"],
};

/**
 * Modules the SDK imports as namespaces (__importStar) and uses only inside functions, by the
 * SDK files that import them that way: the Automation API, semantic versions, tracing, gRPC.
 */
/** @type {Record<string, string[]>} */
const DEFERRED_NAMESPACES = {
    "./automation": ["index.js"],
    // Writing a provider (pulumi.provider), which serves gRPC.
    "./provider": ["index.js"],
    semver: [path.join("runtime", "rpc.js")],
    "@opentelemetry/api": [path.join("runtime", "settings.js")],
    // gRPC talks to the engine; under the mock monitor nothing does.
    "@grpc/grpc-js": ["errors.js", ...["settings.js", "resource.js", "invoke.js", "callbacks.js"].map((f) => path.join("runtime", f))],
    "../proto/engine_grpc_pb": [path.join("runtime", "settings.js")],
    "../proto/resource_grpc_pb": [path.join("runtime", "settings.js")],
    "../proto/callback_grpc_pb": [path.join("runtime", "callbacks.js")],
};

/** A namespace object (it says __esModule, so __importStar keeps it) that loads on first use. */
function deferredNamespace(/** @type {() => any} */ get) {
    return new Proxy(
        {},
        {
            get: (_, p) => (p === "__esModule" ? true : get()[p]),
            has: (_, p) => p in get(),
            ownKeys: () => Reflect.ownKeys(get()),
            getOwnPropertyDescriptor: (_, p) => {
                const d = Object.getOwnPropertyDescriptor(get(), p);
                if (d) d.configurable = true;
                return d;
            },
        },
    );
}

/** @type {any} */ (Module)._load = function (/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
    const names = DEFERRED_FUNCTIONS[request];
    const from = (names || DEFERRED_NAMESPACES[request]) && parent && parent.filename;
    if (typeof from === "string") {
        /** @type {any} */
        let real;
        const get = () => (real ??= load.call(this, request, parent, isMain));
        if (names && from.endsWith(path.join(SDK, "runtime", "index.js"))) {
            /** @type {Record<string, Function>} */
            const stub = {};
            for (const n of names) {
                stub[n] = function (/** @type {unknown[]} */ ...args) {
                    return get()[n].apply(this, args);
                };
            }
            return stub;
        }
        const importers = DEFERRED_NAMESPACES[request];
        if (importers?.some((f) => from.endsWith(path.join(SDK, f)))) {
            return deferredNamespace(get);
        }
    }
    return load.call(this, request, parent, isMain);
};

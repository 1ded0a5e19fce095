/**
 * The landing-zone program (index.ts) in this process, with config of the test's own: a thin
 * view over tools/plan (its project loading, mocks and capture), so that the tests see what the
 * offline plan sees. Each registration comes with its options, as the engine gets them.
 */
import { CONFIG_NAMESPACE } from "../../components/config";
import { decode } from "../../components/stack-config";
import { runProgramHere } from "../../tools/plan/program";
import { loadProject } from "../../tools/plan/project";
import type { PlannedResource } from "../../tools/plan/types";
import { refuseInUnitTier, ROOT } from "./plan";

export { ROOT };
import { awsIdentityFor, orgIdsFor, type OrgIds } from "../../tools/plan/mocks";
export { accountIdFor as fakeAccountId } from "../../tools/plan/mocks";

/** The project the tests run: this repository's (the stack picks no file; config is given). */
export const PROJECT = "landing-zone";

export interface Recorded {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** "" for the root stack. */
    parent: string;
    /** The explicit provider's URN, "" for the engine's default provider. */
    provider: string;
    inputs: Record<string, any>;
    protect: boolean;
    retainOnDelete: boolean;
    /** "" when the resource is not imported. */
    importId: string;
    ignoreChanges: string[];
    /** Alias URNs. */
    aliases: string[];
    dependencies: string[];
}

export interface ProgramRun {
    stack: string;
    /** The organization's IDs as the mocks answer them. */
    org: OrgIds;
    /** The ID the mocks gave a resource (an update answers every ID). */
    idOf(r: Recorded): string;
    resources: Recorded[];
    outputs: Record<string, any>;
    byType(type: string): Recorded[];
    one(type: string, name: string): Recorded;
}

function recorded(r: PlannedResource): Recorded {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        parent: r.parent ?? "",
        provider: r.defaultProvider ? "" : (r.provider ?? ""),
        inputs: r.inputs as Record<string, any>,
        protect: r.options.protect,
        retainOnDelete: r.options.retainOnDelete,
        importId: r.options.importId ?? "",
        ignoreChanges: r.options.ignoreChanges,
        aliases: r.options.aliases,
        dependencies: r.dependencies,
    };
}

/** A shipped stack file's config in the engine's flat string form (structured values JSON-encoded). */
export function stackConfig(stack: string): Record<string, string> {
    return loadProject(ROOT, stack).config;
}

/** A shipped stack's `landing-zone:*` values, decoded as the program decodes them (the raw config the planners take). */
export function rawStackConfig(stack: string): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [k, v] of Object.entries(stackConfig(stack))) {
        if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = decode(v);
    }
    return raw;
}

/** Config as a stack file writes it (keys without a namespace are the project's) in the flat form. */
export function flatten(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        const key = k.includes(":") ? k : `${CONFIG_NAMESPACE}:${k}`;
        out[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

export interface RunOptions {
    /**
     * Preview (default false: an update, where the mocks answer every ID and output, so that
     * tests can follow references between resources). In a preview, IDs of new resources are unknown.
     */
    preview?: boolean;
    /** Stack name (default "test"): it is in every URN and seeds the mocks' IDs. */
    stack?: string;
}

/** Runs index.ts with the given flat config. Rejects with the program's error (its `registered`: resources registered before it). */
export async function runProgram(config: Record<string, string>, opts: RunOptions = {}): Promise<ProgramRun> {
    refuseInUnitTier("runs the program");
    const project = { ...loadProject(ROOT, "dev"), stack: opts.stack ?? "test", stackFile: undefined, config, secretKeys: [], secretPaths: [], problems: [] };
    const run = await runProgramHere(project, { preview: opts.preview ?? false });
    const resources = run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(recorded);
    if (run.error) {
        throw Object.assign(new Error(run.error.message), { registered: resources.length });
    }
    const stack = project.stack;
    return {
        stack,
        org: orgIdsFor(PROJECT, stack),
        idOf: (r) => r.importId || awsIdentityFor(r.type, String(r.inputs.name ?? r.name), r.inputs, { project: PROJECT, stack, preview: false, config }).id,
        resources,
        outputs: run.outputs as Record<string, any>,
        byType: (type) => resources.filter((r) => r.type === type),
        one(type, name) {
            const found = resources.filter((r) => r.type === type && r.name === name);
            if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
            return found[0];
        },
    };
}

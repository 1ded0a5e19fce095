// The plan's view of the analyzer gRPC client in tools/lib/analyzer.ts (kept by the policy
// tooling). Loaded at run time so that the plan's types do not depend on its internals.
import * as path from "path";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface AnalyzerResource {
    urn: string;
    type: string;
    name: string;
    properties: Record<string, unknown>;
    options?: {
        protect?: boolean;
        retainOnDelete?: boolean;
        ignoreChanges?: string[];
        aliases?: string[];
        deleteBeforeReplace?: boolean;
        additionalSecretOutputs?: string[];
        customTimeouts?: { create?: string; update?: string; delete?: string };
        [key: string]: unknown;
    };
    provider?: { name: string; type: string; urn: string; properties: Record<string, unknown> };
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
    policyPackName: string;
    policyPackVersion?: string;
    policyName: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    urn: string | null;
}

export interface PolicyPackClientLike {
    info(): Promise<unknown>;
    configure(config: Record<string, unknown>): Promise<void>;
    analyze(r: AnalyzerResource): Promise<Violation[]>;
    analyzeStack(rs: AnalyzerResource[]): Promise<Violation[]>;
    close(): Promise<void>;
}

export interface AnalyzerModule {
    UNKNOWN: unknown;
    PolicyPackClient: {
        start(policyPackDir: string, opts?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<PolicyPackClientLike>;
    };
}

export function loadAnalyzerModule(): AnalyzerModule {
    const file = path.join(__dirname, "..", "lib", "analyzer");
    try {
        return require(file) as AnalyzerModule;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((e as Error).message).includes("analyzer")) {
            throw new Error("the analyzer client (tools/lib/analyzer.ts) is not available in this checkout");
        }
        throw e;
    }
}

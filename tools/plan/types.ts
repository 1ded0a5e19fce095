// Shared data model of a plan. Everything here is plain JSON so that a plan can be produced in a
// child process and sent back to its parent.

/** Marker for a value that is not known until the resource is created (a preview's "output"). */
export interface UnknownValue {
    __plan: "unknown";
}
/** Marker for a secret value. `value` is kept for the policy pack but never rendered. */
export interface SecretValue {
    __plan: "secret";
    value: PlanValue;
}
export type PlanValue = null | boolean | number | string | PlanValue[] | { [key: string]: PlanValue } | UnknownValue | SecretValue;

export const UNKNOWN_VALUE: UnknownValue = Object.freeze({ __plan: "unknown" }) as UnknownValue;

export function isUnknownValue(v: unknown): v is UnknownValue {
    return typeof v === "object" && v !== null && (v as { __plan?: unknown }).__plan === "unknown";
}
export function isSecretValue(v: unknown): v is SecretValue {
    return typeof v === "object" && v !== null && (v as { __plan?: unknown }).__plan === "secret";
}

export interface ResourceOptions {
    protect: boolean;
    retainOnDelete: boolean;
    /** The `import` option: the ID of an existing cloud resource to adopt. */
    importId?: string;
    /** Alias URNs (alias specs resolved against the resource's own name, type and parent). */
    aliases: string[];
    ignoreChanges: string[];
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    deleteBeforeReplace?: boolean;
    deletedWith?: string;
    customTimeouts?: { create?: string; update?: string; delete?: string };
    /** Provider package version requested by the SDK (for default providers). */
    version?: string;
}

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** false for component resources (and the root stack). */
    custom: boolean;
    /** true when registered through `Resource.get` (a read, not a create). */
    read?: boolean;
    parent?: string;
    /** URN of the provider resource (explicit, or the engine's default provider for the package). */
    provider?: string;
    /** True when `provider` is the engine's default provider, which the program never registers. */
    defaultProvider?: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, PlanValue>;
    /** Outputs registered by a component (registerOutputs); for the root stack: stack outputs. */
    outputs?: Record<string, PlanValue>;
    options: ResourceOptions;
}

export interface ProgramLog {
    severity: "info" | "warning" | "error";
    message: string;
    /** Set for what the program printed (console.*, Node's warnings): program output, not a diagnostic. */
    stream?: "stdout" | "stderr";
}

/** What running the program under the mock monitor produced. */
export interface ProgramRun {
    project: string;
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, PlanValue>;
    logs: ProgramLog[];
    /** Set when the program failed: its own message, not the SDK's wrapper. */
    error?: { message: string; stack?: string /** A config error (see program.ts isConfigError). */; config?: boolean };
    /** Packages the program could not resolve from its project and took from this repository. */
    resolvedFromRepo?: string[];
    /** cpuMs: CPU time of the program's process up to the end of the program (start-up included). */
    timings: { loadMs: number; programMs: number; cpuMs?: number };
    peakRssMb: number;
}

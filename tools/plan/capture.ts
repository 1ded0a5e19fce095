// Records every resource registration the program makes, with its options.
//
// `Mocks.newResource` only sees type, name, inputs, provider and import ID. The engine sees the
// whole RegisterResourceRequest (parent, dependencies, protect, aliases, ...), so we wrap the
// mock monitor's own registerResource/readResource/registerResourceOutputs and read the request
// before handing it on unchanged.
import type { PlanValue, PlannedResource, ResourceOptions } from "./types";
import { UNKNOWN_VALUE } from "./types";

import { SIG_ARCHIVE, SIG_ASSET, SIG_KEY, SIG_OUTPUT, SIG_RESOURCE_REF, SIG_SECRET, UNKNOWN_SENTINEL } from "../../policypack/lib/wire";

export { UNKNOWN_SENTINEL };

/** Converts a serialized property value (Struct.toJavaScript()) to a PlanValue. */
export function fromWire(v: unknown): PlanValue {
    if (v === UNKNOWN_SENTINEL) {
        return UNKNOWN_VALUE;
    }
    if (v === null || v === undefined) {
        return null;
    }
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
        return v;
    }
    if (Array.isArray(v)) {
        return v.map(fromWire);
    }
    if (typeof v === "object") {
        const o = v as Record<string, unknown>;
        switch (o[SIG_KEY]) {
            case SIG_SECRET:
                return { __plan: "secret", value: fromWire(o.value) };
            case SIG_RESOURCE_REF:
                // A resource passed as an input is sent by reference; its URN identifies it.
                return String(o.urn);
            case SIG_OUTPUT: {
                const inner: PlanValue = "value" in o ? fromWire(o.value) : UNKNOWN_VALUE;
                return o.secret ? { __plan: "secret", value: inner } : inner;
            }
            case SIG_ASSET:
                return `[asset ${String(o.path ?? o.uri ?? "text")}]`;
            case SIG_ARCHIVE:
                return `[archive ${String(o.path ?? o.uri ?? "assets")}]`;
        }
        const out: Record<string, PlanValue> = {};
        for (const [k, e] of Object.entries(o)) {
            out[k] = fromWire(e);
        }
        return out;
    }
    return String(v);
}

function structToPlan(struct: { toJavaScript(): unknown } | undefined): Record<string, PlanValue> {
    if (!struct) {
        return {};
    }
    const v = fromWire(struct.toJavaScript());
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, PlanValue>) : {};
}

/** "type" qualified by the parent's type chain, as the engine builds URNs. */
function qualifiedType(parentUrn: string | undefined, type: string): string {
    if (!parentUrn) {
        return type;
    }
    const parentQualified = parentUrn.split("::")[2] ?? "";
    const parentType = parentQualified.split("$").pop();
    // The root stack is not part of a child's type chain in the engine's URNs.
    return parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentQualified}$${type}` : type;
}

/** Splits a provider reference "urn::id" into its URN (URNs themselves contain "::"). */
export function providerUrnOf(ref: string): string {
    const i = ref.lastIndexOf("::");
    return i > 0 ? ref.slice(0, i) : ref;
}

// Minimal structural views of the protobuf request classes we read.
interface AliasSpecView {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}
interface AliasView {
    getUrn(): string;
    hasSpec(): boolean;
    getSpec(): AliasSpecView | undefined;
}
interface UrnListView {
    getUrnsList(): string[];
}
interface TimeoutsView {
    getCreate(): string;
    getUpdate(): string;
    getDelete(): string;
}
interface RegisterRequestView {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): unknown } | undefined;
    getProtect(): boolean;
    getDependenciesList(): string[];
    getProvider(): string;
    getPropertydependenciesMap(): { entries(): { next(): { done?: boolean; value?: [string, UrnListView] } } } | Map<string, UrnListView>;
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined?(): boolean;
    getVersion(): string;
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getAliasurnsList(): string[];
    getAliasesList?(): AliasView[];
    getImportid(): string;
    getCustomtimeouts(): TimeoutsView | undefined;
    getReplaceonchangesList(): string[];
    getRetainondelete(): boolean;
    getDeletedwith(): string;
}
interface ReadRequestView {
    getId(): string;
    getType(): string;
    getName(): string;
    getParent(): string;
    getProperties(): { toJavaScript(): unknown } | undefined;
    getDependenciesList(): string[];
    getProvider(): string;
    getVersion(): string;
}

function mapEntries(m: ReturnType<RegisterRequestView["getPropertydependenciesMap"]>): [string, UrnListView][] {
    const out: [string, UrnListView][] = [];
    // jspb.Map exposes an iterator-like entries() without Symbol.iterator in older versions.
    const it = (m as { entries(): { next(): { done?: boolean; value?: [string, UrnListView] } } }).entries();
    for (let r = it.next(); !r.done; r = it.next()) {
        if (r.value) out.push(r.value);
    }
    return out;
}

export interface CaptureContext {
    project: string;
    stack: string;
}

/** What a Recorder reports as it records: a registration or read, and a component's outputs. */
export type RecordEvent = { kind: "resource"; resource: PlannedResource } | { kind: "outputs"; urn: string; outputs: Record<string, PlanValue> };

export class Recorder {
    readonly resources: PlannedResource[] = [];
    private readonly byUrn = new Map<string, PlannedResource>();
    stackOutputs: Record<string, PlanValue> = {};

    /**
     * `listener` hears each record as it is made, in order: the plan streams registrations to
     * the policy pack while the program still runs, as the engine calls Analyze per step.
     */
    constructor(
        private readonly ctx: CaptureContext,
        private readonly listener?: (e: RecordEvent) => void,
    ) {}

    urnOf(parent: string, type: string, name: string): string {
        return `urn:pulumi:${this.ctx.stack}::${this.ctx.project}::${qualifiedType(parent || undefined, type)}::${name}`;
    }

    private aliasUrn(a: AliasView, type: string, name: string, parent: string): string {
        const direct = a.getUrn();
        if (direct) {
            return direct;
        }
        const spec = a.getSpec();
        if (!spec) {
            return "";
        }
        const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
        const stack = spec.getStack() || this.ctx.stack;
        const project = spec.getProject() || this.ctx.project;
        const t = qualifiedType(aliasParent || undefined, spec.getType() || type);
        return `urn:pulumi:${stack}::${project}::${t}::${spec.getName() || name}`;
    }

    private provider(ref: string, type: string, version: string): { provider?: string; defaultProvider?: boolean } {
        if (ref) {
            return { provider: providerUrnOf(ref) };
        }
        if (type.startsWith("pulumi:")) {
            return {};
        }
        // No explicit provider: the engine would use its default provider for the package.
        const pkg = type.split(":")[0];
        const suffix = version ? `_${version.replace(/[.\-+]/g, "_")}` : "";
        return { provider: `urn:pulumi:${this.ctx.stack}::${this.ctx.project}::pulumi:providers:${pkg}::default${suffix}`, defaultProvider: true };
    }

    recordRegister(req: RegisterRequestView): PlannedResource {
        const type = req.getType();
        const name = req.getName();
        const parent = req.getParent();
        const urn = this.urnOf(parent, type, name);
        const propertyDependencies: Record<string, string[]> = {};
        for (const [k, v] of mapEntries(req.getPropertydependenciesMap())) {
            propertyDependencies[k] = v.getUrnsList();
        }
        const aliases = [...req.getAliasurnsList(), ...(req.getAliasesList ? req.getAliasesList().map((a) => this.aliasUrn(a, type, name, parent)) : [])].filter((a) => a !== "");
        const timeouts = req.getCustomtimeouts();
        const options: ResourceOptions = {
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            aliases,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        };
        if (req.getImportid()) options.importId = req.getImportid();
        if (!req.getDeletebeforereplacedefined || req.getDeletebeforereplacedefined()) {
            if (req.getDeletebeforereplace()) options.deleteBeforeReplace = true;
        }
        if (req.getDeletedwith()) options.deletedWith = req.getDeletedwith();
        if (timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())) {
            options.customTimeouts = {
                ...(timeouts.getCreate() ? { create: timeouts.getCreate() } : {}),
                ...(timeouts.getUpdate() ? { update: timeouts.getUpdate() } : {}),
                ...(timeouts.getDelete() ? { delete: timeouts.getDelete() } : {}),
            };
        }
        if (req.getVersion()) options.version = req.getVersion();
        const r: PlannedResource = {
            urn,
            type,
            name,
            custom: req.getCustom(),
            ...(parent ? { parent } : {}),
            ...this.provider(req.getProvider(), type, req.getVersion()),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            inputs: structToPlan(req.getObject()),
            options,
        };
        if (!r.custom) {
            delete r.provider;
            delete r.defaultProvider;
        }
        this.add(r);
        return r;
    }

    recordRead(req: ReadRequestView): PlannedResource {
        const type = req.getType();
        const name = req.getName();
        const parent = req.getParent();
        const r: PlannedResource = {
            urn: this.urnOf(parent, type, name),
            type,
            name,
            custom: true,
            read: true,
            ...(parent ? { parent } : {}),
            ...this.provider(req.getProvider(), type, req.getVersion()),
            dependencies: req.getDependenciesList(),
            propertyDependencies: {},
            inputs: structToPlan(req.getProperties()),
            options: { protect: false, retainOnDelete: false, importId: req.getId(), aliases: [], ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [] },
        };
        this.add(r);
        return r;
    }

    recordOutputs(urn: string, outputs: { toJavaScript(): unknown } | undefined): void {
        const values = structToPlan(outputs);
        const r = this.byUrn.get(urn);
        if (r) {
            r.outputs = values;
            this.listener?.({ kind: "outputs", urn, outputs: values });
        }
        if (r?.type === "pulumi:pulumi:Stack" && !r.parent) {
            this.stackOutputs = values;
        }
    }

    private add(r: PlannedResource): void {
        if (this.byUrn.has(r.urn)) {
            // The engine rejects two resources with one URN; so do we, with its wording.
            throw new Error(`Duplicate resource URN '${r.urn}'; try giving it a unique name`);
        }
        this.byUrn.set(r.urn, r);
        this.resources.push(r);
        this.listener?.({ kind: "resource", resource: r });
    }
}

type Callback = (err: unknown, resp?: unknown) => void;
interface MonitorLike {
    newUrn?(parent: string, type: string, name: string): string;
    registerResource(req: unknown, cb: Callback): unknown;
    readResource(req: unknown, cb: Callback): unknown;
    registerResourceOutputs(req: unknown, cb: Callback): unknown;
}

/** Wraps a MockMonitor's methods so every request is recorded before the mocks answer it. */
export function installCapture(monitor: MonitorLike, recorder: Recorder): void {
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    const outputs = monitor.registerResourceOutputs.bind(monitor);
    // The mock monitor puts the root stack's type into every child URN; the engine does not.
    // Use the engine's form so that parents and dependencies match what a real preview shows.
    monitor.newUrn = (parent: string, type: string, name: string) => recorder.urnOf(parent, type, name);
    monitor.registerResource = (req: unknown, cb: Callback) => {
        try {
            recorder.recordRegister(req as RegisterRequestView);
        } catch (e) {
            return cb(e);
        }
        return register(req, cb);
    };
    monitor.readResource = (req: unknown, cb: Callback) => {
        try {
            recorder.recordRead(req as ReadRequestView);
        } catch (e) {
            return cb(e);
        }
        return read(req, cb);
    };
    monitor.registerResourceOutputs = (req: unknown, cb: Callback) => {
        const r = req as { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined };
        recorder.recordOutputs(r.getUrn(), r.getOutputs());
        return outputs(req, cb);
    };
}

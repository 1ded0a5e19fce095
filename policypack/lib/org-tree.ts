// The AWS Organizations tree as the stack declares it: root, OUs, accounts, SCPs and where they
// are attached. See lib/stack.ts for how references are resolved at preview.

import { readTag } from "./tags";
import { T } from "./types";
import { displayName, Res, resolveRef, StackView } from "./stack";
import { isUnknown } from "./unknown";

export type OrgNode =
    | { kind: "root" }
    | { kind: "ou"; res: Res }
    | { kind: "account"; res: Res }
    /** Known ID of something outside the stack (an OU or account managed elsewhere). */
    | { kind: "external"; id: string }
    | { kind: "unknown"; reason: string };

export function nodeKey(n: OrgNode): string {
    switch (n.kind) {
        case "root":
            return "root";
        case "ou":
        case "account":
            return n.res.urn;
        case "external":
            return `external:${n.id}`;
        case "unknown":
            return `unknown:${n.reason}`;
    }
}

export function nodeLabel(n: OrgNode): string {
    switch (n.kind) {
        case "root":
            return "the organization root";
        case "ou":
            return `OU ${displayName(n.res)}`;
        case "account":
            return `account ${displayName(n.res)}`;
        case "external":
            return `${n.id} (not managed by this stack)`;
        case "unknown":
            return `an unresolved target (${n.reason})`;
    }
}

const trees = new WeakMap<StackView, OrgTree>();

/** The organization tree of a stack view, built once per view (shared like the view: see stackViewOf). */
export function orgTreeOf(view: StackView): OrgTree {
    let t = trees.get(view);
    if (!t) trees.set(view, (t = new OrgTree(view)));
    return t;
}

export class OrgTree {
    readonly organization?: Res;
    readonly rootId?: string;
    constructor(readonly view: StackView) {
        this.organization = view.ofType(T.organization)[0];
        const roots = this.organization?.props.roots;
        if (Array.isArray(roots) && roots[0] && typeof roots[0] === "object" && !isUnknown(roots[0])) {
            const id = (roots[0] as Record<string, unknown>).id;
            if (typeof id === "string") this.rootId = id;
        }
    }

    get accounts(): Res[] {
        return this.view.ofType(T.account);
    }
    get ous(): Res[] {
        return this.view.ofType(T.ou);
    }

    /** Resolves an ID-valued property (parentId, targetId) to a node of the tree. */
    resolveNode(res: Res, prop: string): OrgNode {
        const ref = resolveRef(this.view, res, prop, [T.organization, T.ou, T.account], ["id", "arn"]);
        const value = res.props[prop];
        if (ref.kind === "resources") {
            const t = ref.targets[0];
            if (t.type === T.organization) return { kind: "root" };
            if (t.type === T.ou) return { kind: "ou", res: t };
            return { kind: "account", res: t };
        }
        if (typeof value === "string") {
            if (value === this.rootId || /^r-[0-9a-z]{4,32}$/.test(value)) return { kind: "root" };
            return { kind: "external", id: value };
        }
        if (ref.kind === "absent") {
            // An account without parentId is created under the root.
            return res.type === T.account && prop === "parentId" ? { kind: "root" } : { kind: "unknown", reason: `${prop} is not set` };
        }
        return { kind: "unknown", reason: `${prop} of ${displayName(res)} is unknown at preview and no resource of this stack feeds it` };
    }

    parent(n: OrgNode): OrgNode | undefined {
        if (n.kind !== "ou" && n.kind !== "account") return undefined;
        // Resolved once per node: every account's chain walks up through the same OUs.
        let p = this.parents.get(n.res);
        if (!p) this.parents.set(n.res, (p = this.resolveNode(n.res, "parentId")));
        return p;
    }
    private readonly parents = new Map<Res, OrgNode>();

    /**
     * The node and its ancestors up to the root. `complete` is false when the chain ends in an
     * unknown or external node (the rest of the chain cannot be seen).
     */
    chain(n: OrgNode): { nodes: OrgNode[]; complete: boolean; end: OrgNode } {
        const nodes: OrgNode[] = [n];
        const seen = new Set<string>([nodeKey(n)]);
        let cur: OrgNode = n;
        for (;;) {
            if (cur.kind === "root") return { nodes, complete: true, end: cur };
            if (cur.kind === "external" || cur.kind === "unknown") return { nodes, complete: false, end: cur };
            const p = this.parent(cur);
            if (!p || seen.has(nodeKey(p))) return { nodes, complete: false, end: { kind: "unknown", reason: "cycle in the tree" } };
            seen.add(nodeKey(p));
            nodes.push(p);
            cur = p;
        }
    }

    /** OU depth below the root (an OU directly under the root has depth 1). */
    depth(ou: Res): { depth: number; complete: boolean } {
        const c = this.chain({ kind: "ou", res: ou });
        return { depth: c.nodes.filter((x) => x.kind === "ou").length, complete: c.complete };
    }

    private attachmentsCache?: { res: Res; policy: Res | { external: string } | undefined; target: OrgNode }[];

    /** SCP attachments: resolved policy and target per PolicyAttachment resource (resolved once). */
    attachments(): { res: Res; policy: Res | { external: string } | undefined; target: OrgNode }[] {
        return (this.attachmentsCache ??= this.resolveAttachments());
    }

    private resolveAttachments(): { res: Res; policy: Res | { external: string } | undefined; target: OrgNode }[] {
        return this.view.ofType(T.orgPolicyAttachment).map((a) => {
            const ref = resolveRef(this.view, a, "policyId", [T.orgPolicy], ["id", "arn"]);
            let policy: Res | { external: string } | undefined;
            if (ref.kind === "resources") policy = ref.targets[0];
            else if (ref.kind === "external") policy = { external: ref.value };
            return { res: a, policy, target: this.resolveNode(a, "targetId") };
        });
    }

    /** Org policies of type SERVICE_CONTROL_POLICY (the default type) attached to a node. */
    scpsOn(n: OrgNode): { policy: Res | { external: string } | undefined; attachment: Res }[] {
        const key = nodeKey(n);
        return (this.attachmentsByTarget().get(key) ?? [])
            .filter((a) => !a.policy || "external" in a.policy || (a.policy.props.type ?? "SERVICE_CONTROL_POLICY") === "SERVICE_CONTROL_POLICY" || isUnknown(a.policy.props.type))
            .map((a) => ({ policy: a.policy, attachment: a.res }));
    }

    private byTargetCache?: Map<string, ReturnType<OrgTree["attachments"]>>;

    private attachmentsByTarget(): Map<string, ReturnType<OrgTree["attachments"]>> {
        if (!this.byTargetCache) {
            this.byTargetCache = new Map();
            for (const a of this.attachments()) {
                const key = nodeKey(a.target);
                const list = this.byTargetCache.get(key);
                if (list) list.push(a);
                else this.byTargetCache.set(key, [a]);
            }
        }
        return this.byTargetCache;
    }

    /** Environment tag of a node (accounts and OUs). */
    envOf(n: OrgNode, key: string): string | undefined | symbol {
        if (n.kind === "ou" || n.kind === "account") return readTag(n.res.props, key);
        return undefined;
    }
}

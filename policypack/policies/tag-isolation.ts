import { ResourceValidationPolicy } from "@pulumi/policy";
import { expandAction, readsExistingSource, SHARING_ACTIONS, supportsResourceTag } from "../lib/catalogue";
import { canApply, conditionBlocks } from "../lib/conditions";
import { deniedEverywhere } from "../lib/escalation";
import { configSchema, DEFAULTS, GuardrailConfig, resolveConfig } from "../lib/config";
import { msg } from "../lib/policy";
import { grantedAmong, hasConditionKey, isAllow, parseDocument, Statement, stmtLabel } from "../lib/policy-document";
import { IDENTITY_DOC_TYPES, identityDocs } from "../lib/resource-docs";
import { readTag } from "../lib/tags";
import { T } from "../lib/types";
import { cannotCheck, plainProps, UNKNOWN_DOCUMENT_FIX } from "../lib/unknown";

const REMEDIATION =
    "Move the listed actions to a separate statement scoped by resource ARN (or by aws:RequestTag on create), or accept that the tag condition does not isolate them; " +
    "require the source's aws:ResourceTag for RDS and Elastic Load Balancing create, copy and restore; grant snapshot and image sharing only to the few who must share data outside the account.";
const MAX_LISTED = 25;

const isResourceTag = (k: string) => k.toLowerCase().startsWith("aws:resourcetag/");
const isRequestTag = (k: string) => k.toLowerCase().startsWith("aws:requesttag/");

/**
 * True when some aws:ResourceTag condition of the statement still matches a request that has no
 * such key: an IfExists operator, or a negated one (StringNotEquals...). Those grant the
 * untaggable actions on every resource. Positive operators fail closed: the untaggable actions
 * are simply never allowed.
 */
function failsOpen(s: Statement): boolean {
    return conditionBlocks(s).some((b) => (b.ifExists || b.negated) && isResourceTag(b.key));
}

function listed(actions: string[]): string {
    const uniq = [...new Set(actions)];
    return uniq.slice(0, MAX_LISTED).join(", ") + (uniq.length > MAX_LISTED ? ` and ${uniq.length - MAX_LISTED} more` : "");
}

/** The catalogue actions a statement grants (wildcards expanded). */
async function grantedActions(s: Statement): Promise<string[]> {
    const out: string[] = [];
    for (const a of s.action ?? []) {
        if (typeof a !== "string" || a === "*") continue;
        out.push(...(/[*?]/.test(a) ? await expandAction(a) : [a]));
    }
    return out;
}

/**
 * Findings of tag-scoped documents:
 * - Allow statements conditioned on aws:ResourceTag that name actions without aws:ResourceTag
 *   support (a named action is always reported: its author expects the tag to govern it; one
 *   reached through a wildcard only when the condition fails open);
 * - RDS and Elastic Load Balancing create/copy/restore allowed by aws:RequestTag without the
 *   source's aws:ResourceTag;
 * - sharing actions (snapshot and image attributes) granted in a tag-separated document.
 */
export async function tagIsolationFindings(type: string, props: Record<string, unknown>, cfg: GuardrailConfig = DEFAULTS, logicalName = ""): Promise<{ problem: string; fix: string }[]> {
    const out: { problem: string; fix: string }[] = [];
    // A managed policy marked admin may share data outside the account: admins decide that.
    const adminPolicy =
        type === T.managedPolicy &&
        (readTag(props, cfg.adminTagKey) === cfg.adminTagValue || cfg.adminEntityNames.includes(logicalName) || (typeof props.name === "string" && cfg.adminEntityNames.includes(props.name)));
    for (const d of identityDocs(type, props)) {
        const p = parseDocument(d.value);
        if (p.kind === "unknown") {
            out.push({ problem: cannotCheck(`${d.label} for tag-scoped statements`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX });
            continue;
        }
        if (p.kind !== "ok") continue;
        const tagSeparated = p.statements.some((s) => hasConditionKey(s, (k) => isResourceTag(k) || isRequestTag(k)));
        const statements = p.statements.map((stmt) => ({ doc: d.label, stmt }));
        for (const s of p.statements) {
            if (!isAllow(s) || !canApply(s)) continue;
            const label = `${d.label}, ${stmtLabel(s)}`;
            if (hasConditionKey(s, isResourceTag)) {
                const unsupported: string[] = [];
                const open = failsOpen(s);
                for (const a of s.action ?? []) {
                    if (typeof a !== "string") continue;
                    const wildcard = /[*?]/.test(a);
                    if (wildcard && !open) continue;
                    if (a === "*") {
                        unsupported.push("* (every action, many without tag support)");
                        continue;
                    }
                    const expanded = wildcard ? await expandAction(a) : [a];
                    for (const x of expanded) {
                        try {
                            if (!(await supportsResourceTag(x))) unsupported.push(x);
                        } catch {
                            // Unknown actions are reported by iam-valid-policy-elements.
                        }
                    }
                }
                if (unsupported.length > 0) {
                    out.push({
                        problem: `${label} is scoped by aws:ResourceTag, but these actions do not support aws:ResourceTag, ${open ? "and its IfExists or negated condition grants them on every resource, in every environment" : "so the condition never matches and they are never granted, though the statement names them"}: ${listed(unsupported)}.`,
                        fix: `Move ${listed(unsupported)} out of ${stmtLabel(s)} into a statement scoped by resource ARN (or drop them).`,
                    });
                }
            }
            if (hasConditionKey(s, isRequestTag) && !hasConditionKey(s, isResourceTag)) {
                const sources: string[] = [];
                for (const a of await grantedActions(s)) if (await readsExistingSource(a)) sources.push(a);
                if (sources.length > 0) {
                    const key = conditionBlocks(s)
                        .find((b) => isRequestTag(b.key))!
                        .rawKey.replace(/^aws:requesttag\//i, "");
                    out.push({
                        problem: `${label} allows ${listed(sources)} on the strength of aws:RequestTag alone: for RDS and Elastic Load Balancing the request tag is checked on the existing source too (snapshot, DB instance, listener), so a source of any environment can be copied, restored or attached.`,
                        fix: `Add Condition {"StringEqualsIfExists": {"aws:ResourceTag/${key}": "<environment>"}} to ${stmtLabel(s)}, so the source must carry the environment's tag as well.`,
                    });
                }
            }
            if (tagSeparated && !adminPolicy) {
                const granted =
                    s.notAction !== undefined ? grantedAmong(s, SHARING_ACTIONS) : (await grantedActions(s)).filter((a) => SHARING_ACTIONS.some((x) => x.toLowerCase() === a.toLowerCase()));
                const sharing = granted.filter((a) => !deniedEverywhere(statements, a));
                if (sharing.length > 0) {
                    out.push({
                        problem: `${label} grants ${listed(sharing)} in a tag-separated policy: these make a snapshot or image public or share it with any account, though the catalogue classes them as Write.`,
                        fix: `Remove ${listed(sharing)} from ${stmtLabel(s)} (a Deny of them in this policy also works); grant sharing only to the few who must share data outside the account.`,
                    });
                }
            }
        }
    }
    return out;
}

export const tagIsolation: ResourceValidationPolicy = {
    name: "iam-tag-isolation",
    description:
        "Tag-scoped grants isolate environments: Allow statements with aws:ResourceTag name only actions that support it; RDS/ELB create, copy and restore require the source's aws:ResourceTag besides aws:RequestTag; tag-separated policies do not grant snapshot or image sharing.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "advisory",
    configSchema: configSchema("adminTagKey", "adminTagValue", "adminEntityNames"),
    validateResource: async (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type)) return;
        const cfg = resolveConfig(args.getConfig());
        for (const f of await tagIsolationFindings(args.type, plainProps(args.props), cfg, args.name)) report(msg(f.problem, f.fix));
    },
};

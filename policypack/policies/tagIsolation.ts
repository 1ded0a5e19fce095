import { ResourceValidationPolicy } from "@pulumi/policy";
import { expandAction, supportsResourceTag } from "../lib/catalog";
import { msg } from "../lib/policy";
import { hasConditionKey, isAllow, parseDocument, stmtLabel } from "../lib/policyDocument";
import { IDENTITY_DOC_TYPES, identityDocs } from "../lib/resourceDocs";
import { cannotCheck, plainProps } from "../lib/unknown";

const REMEDIATION = "Move the listed actions to a separate statement scoped by resource ARN (or by aws:RequestTag on create), or accept that the tag condition does not isolate them.";
const MAX_LISTED = 25;

/**
 * True when some aws:ResourceTag condition of the statement still matches a request that has no
 * such key: an IfExists operator, or a negated one (StringNotEquals...). Those grant the
 * untaggable actions on every resource. Positive operators fail closed: the untaggable actions
 * are simply never allowed.
 */
function failsOpen(s: { condition?: Record<string, Record<string, unknown[]>> }): boolean {
    return Object.entries(s.condition ?? {}).some(
        ([op, kv]) =>
            (/IfExists$/i.test(op) || /Not/.test(op)) &&
            Object.keys(kv).some((k) => k.toLowerCase().startsWith("aws:resourcetag/")),
    );
}

/**
 * Actions of tag-scoped Allow statements that do not support aws:ResourceTag.
 *
 * A named action is always reported: its author expects the tag to govern it. An action reached
 * only through a wildcard (`ec2:*`) is reported when the condition fails open; under a positive
 * operator it is never granted, which is the usual, intended way to write a tag-scoped grant.
 */
export async function tagIsolationFindings(type: string, props: Record<string, unknown>): Promise<string[]> {
    const out: string[] = [];
    for (const d of identityDocs(type, props)) {
        const p = parseDocument(d.value);
        if (p.kind === "unknown") { out.push(cannotCheck(`${d.label} for tag-scoped statements`)); continue; }
        if (p.kind !== "ok") continue;
        for (const s of p.statements) {
            if (!isAllow(s) || !hasConditionKey(s, (k) => k.toLowerCase().startsWith("aws:resourcetag/"))) continue;
            const unsupported: string[] = [];
            const open = failsOpen(s);
            for (const a of s.action ?? []) {
                if (typeof a !== "string") continue;
                const wildcard = /[*?]/.test(a);
                if (wildcard && !open) continue;
                if (a === "*") { unsupported.push("* (every action, many without tag support)"); continue; }
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
                const uniq = [...new Set(unsupported)];
                const shown = uniq.slice(0, MAX_LISTED).join(", ") + (uniq.length > MAX_LISTED ? ` and ${uniq.length - MAX_LISTED} more` : "");
                out.push(`${d.label}, ${stmtLabel(s)} is scoped by aws:ResourceTag, but these actions do not support aws:ResourceTag, ${open ? "and its IfExists or negated condition grants them on every resource, in every environment" : "so the condition never matches and they are never granted, though the statement names them"}: ${shown}.`);
            }
        }
    }
    return out;
}

export const tagIsolation: ResourceValidationPolicy = {
    name: "iam-tag-isolation",
    description: "Tag-scoped grants (Allow with an aws:ResourceTag condition) only include actions that support aws:ResourceTag per the action catalogue.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "advisory",
    validateResource: async (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type)) return;
        for (const f of await tagIsolationFindings(args.type, plainProps(args.props))) report(msg(f, REMEDIATION));
    },
};

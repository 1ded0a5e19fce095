import { ResourceValidationPolicy } from "@pulumi/policy";
import { expandAction, supportsResourceTag } from "../lib/catalog";
import { msg } from "../lib/policy";
import { hasConditionKey, isAllow, parseDocument, stmtLabel } from "../lib/policyDocument";
import { IDENTITY_DOC_TYPES, identityDocs } from "../lib/resourceDocs";
import { cannotCheck, plainProps } from "../lib/unknown";

const REMEDIATION = "Move the listed actions to a separate statement scoped by resource ARN (or by aws:RequestTag on create), or accept that the tag condition does not isolate them.";
const MAX_LISTED = 25;

/** Actions of tag-scoped Allow statements that do not support aws:ResourceTag. */
export async function tagIsolationFindings(type: string, props: Record<string, unknown>): Promise<string[]> {
    const out: string[] = [];
    for (const d of identityDocs(type, props)) {
        const p = parseDocument(d.value);
        if (p.kind === "unknown") { out.push(cannotCheck(`${d.label} for tag-scoped statements`)); continue; }
        if (p.kind !== "ok") continue;
        for (const s of p.statements) {
            if (!isAllow(s) || !hasConditionKey(s, (k) => k.toLowerCase().startsWith("aws:resourcetag/"))) continue;
            const unsupported: string[] = [];
            for (const a of s.action ?? []) {
                if (typeof a !== "string") continue;
                if (a === "*") { unsupported.push("* (every action, many without tag support)"); continue; }
                const expanded = /[*?]/.test(a) ? await expandAction(a) : [a];
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
                out.push(`${d.label}, ${stmtLabel(s)} is scoped by aws:ResourceTag, but these actions do not support aws:ResourceTag, so the tag condition cannot isolate environments for them (a positive operator never matches; IfExists or negated operators grant them on every resource): ${shown}.`);
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

import { StackValidationPolicy } from "@pulumi/policy";
import { entityLabel, iamGraphOf, IamGraph } from "../lib/iam-graph";
import { Finding, msg } from "../lib/policy";
import { stackViewOf } from "../lib/stack";
import { cannotCheck, countUnknown, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_CHARS, UNKNOWN_VALUE_FIX } from "../lib/unknown";
import { IAM_LIMITS } from "./policy-size";

const LIMITS: Record<string, number> = { user: IAM_LIMITS.inlineUser, group: IAM_LIMITS.inlineGroup, role: IAM_LIMITS.inlineRole, "permission-set": IAM_LIMITS.permissionSetInlineNonWhitespace };
const REMEDIATION = "Move inline policies into managed policies (each up to 6,144 characters) attached to the group or role.";

/** Per IAM entity, the total size of its inline policies across all resources of the stack. */
export function inlineTotalFindings(graph: IamGraph): Finding[] {
    const totals = new Map<string, { label: string; kind: string; urn: string; size: number; unknownValues: number; unknown: string[] }>();
    for (const d of graph.docs) {
        if (d.kind !== "inline") continue;
        for (const e of d.entities) {
            if (!e.res) continue; // entities outside the stack: their other inline policies cannot be seen
            const t = totals.get(e.res.urn) ?? { label: entityLabel(e), kind: e.kind, urn: e.res.urn, size: 0, unknownValues: 0, unknown: [] };
            if (d.parsed.kind === "ok") {
                t.size += d.parsed.minifiedSize;
                if (d.parsed.hasUnknown) t.unknownValues += countUnknown(d.parsed.doc);
            } else if (d.parsed.kind === "unknown") t.unknown.push(d.label);
            totals.set(e.res.urn, t);
        }
    }
    const out: Finding[] = [];
    for (const t of totals.values()) {
        const limit = LIMITS[t.kind];
        if (t.size > limit)
            out.push({
                urn: t.urn,
                problem: `The inline policies of ${t.label} total ${t.size} characters without whitespace; the limit per ${t.kind.replace("-", " ")} is ${limit}.`,
                fix: REMEDIATION,
            });
        else if (t.unknown.length > 0)
            out.push({
                urn: t.urn,
                problem: cannotCheck(`the total inline policy size of ${t.label}`, `${t.unknown.join(", ")} ${t.unknown.length > 1 ? "are" : "is"} unknown at preview`),
                fix: UNKNOWN_DOCUMENT_FIX,
            });
        else if (t.size + t.unknownValues * UNKNOWN_VALUE_CHARS > limit)
            out.push({
                urn: t.urn,
                problem: cannotCheck(`the total inline policy size of ${t.label}`, `${t.size} characters are known and ${t.unknownValues} values are unknown at preview`),
                fix: UNKNOWN_VALUE_FIX,
            });
    }
    return out;
}

export const inlinePolicyTotals: StackValidationPolicy = {
    name: "iam-inline-policy-total-size",
    description: "Total inline policy size per IAM entity across the stack: user 2,048, group 5,120, role 10,240 characters (whitespace not counted).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const graph = iamGraphOf(stackViewOf(args.resources));
        for (const f of inlineTotalFindings(graph)) report(msg(f.problem, f.fix), f.urn);
    },
};

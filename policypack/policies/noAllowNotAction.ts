import { ResourceValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { parseDocument, stmtLabel } from "../lib/policyDocument";
import { allDocs, IDENTITY_DOC_TYPES } from "../lib/resourceDocs";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

const REMEDIATION = "Use Allow with an explicit Action and Resource list; NotAction/NotResource belong in Deny statements (e.g. a region guardrail).";

export function notActionFindings(type: string, props: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const d of allDocs(type, props)) {
        if (d.kind !== "identity" && d.kind !== "scp") continue;
        const p = parseDocument(d.value);
        if (p.kind === "unknown") { out.push(cannotCheck(`${d.label} for Allow with NotAction/NotResource`)); continue; }
        if (p.kind !== "ok") continue;
        for (const s of p.statements) {
            if (isUnknown(s.raw.Effect)) { out.push(cannotCheck(`the Effect of ${d.label}, ${stmtLabel(s)}`)); continue; }
            if (s.effect !== "Allow") continue;
            if (s.notAction !== undefined) out.push(`${d.label}, ${stmtLabel(s)}: Allow with NotAction grants every action not listed, including services added later.`);
            if (s.notResource !== undefined) out.push(`${d.label}, ${stmtLabel(s)}: Allow with NotResource grants the actions on every resource not listed.`);
        }
    }
    return out;
}

export const noAllowNotAction: ResourceValidationPolicy = {
    name: "iam-no-allow-not-action",
    description: "No Allow statement with NotAction or NotResource in identity policies or SCPs.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (!IDENTITY_DOC_TYPES.includes(args.type) && args.type !== T.orgPolicy) return;
        for (const f of notActionFindings(args.type, plainProps(args.props))) report(msg(f, REMEDIATION));
    },
};

import { ResourceValidationPolicy } from "@pulumi/policy";
import { canApply } from "../lib/conditions";
import { msg } from "../lib/policy";
import { parseDocument, stmtLabel } from "../lib/policy-document";
import { allDocs, IDENTITY_DOC_TYPES } from "../lib/resource-docs";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps, UNKNOWN_DOCUMENT_FIX, UNKNOWN_VALUE_FIX } from "../lib/unknown";

const REMEDIATION = "Use Allow with an explicit Action and Resource list; NotAction/NotResource belong in Deny statements (e.g. a region guardrail).";

export function notActionFindings(type: string, props: Record<string, unknown>): { problem: string; fix: string }[] {
    const out: { problem: string; fix: string }[] = [];
    for (const d of allDocs(type, props)) {
        if (d.kind !== "identity" && d.kind !== "scp") continue;
        const p = parseDocument(d.value);
        if (p.kind === "unknown") {
            out.push({ problem: cannotCheck(`${d.label} for Allow with NotAction/NotResource`, "the whole document is unknown at preview"), fix: UNKNOWN_DOCUMENT_FIX });
            continue;
        }
        if (p.kind !== "ok") continue;
        const unknownEffect = p.statements.filter((s) => isUnknown(s.raw.Effect) || (s.effect === undefined && s.hasUnknown));
        if (unknownEffect.length > 0)
            out.push({
                problem: cannotCheck(`${d.label} for Allow with NotAction/NotResource`, `the Effect of ${unknownEffect.map(stmtLabel).join(", ")} is not known at preview`),
                fix: UNKNOWN_VALUE_FIX,
            });
        for (const s of p.statements) {
            if (s.effect !== "Allow" || !canApply(s)) continue;
            if (s.notAction !== undefined) {
                out.push({
                    problem: `${d.label}, ${stmtLabel(s)}: Allow with NotAction grants every action it does not list, including those of services added later.`,
                    fix: `In ${stmtLabel(s)}, replace NotAction with an Action list of what is needed; to keep a broad grant with exceptions, Allow the services' actions and add a Deny statement with the exceptions.`,
                });
            }
            if (s.notResource !== undefined) {
                out.push({
                    problem: `${d.label}, ${stmtLabel(s)}: Allow with NotResource grants the actions on every resource it does not list.`,
                    fix: `In ${stmtLabel(s)}, replace NotResource with a Resource list; to exclude resources, add a Deny statement naming them.`,
                });
            }
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
        for (const f of notActionFindings(args.type, plainProps(args.props))) report(msg(f.problem, f.fix));
    },
};

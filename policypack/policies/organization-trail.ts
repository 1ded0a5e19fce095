import { StackValidationPolicy } from "@pulumi/policy";
import { msg } from "../lib/policy";
import { displayName, Res, StackView, stackViewOf } from "../lib/stack";
import { T } from "../lib/types";
import { cannotCheck, isUnknown } from "../lib/unknown";

/** Resource type tokens of the AWS provider (v7) this policy reads besides lib/types.ts's. */
export const TRAIL = "aws:cloudtrail/trail:Trail";

const REMEDIATION =
    "Declare an aws.cloudtrail.Trail in the management account with isOrganizationTrail: true, isMultiRegionTrail: true and " +
    "enableLogFileValidation: true (delivered to a bucket in a log archive account). Where another tool keeps the organization trail " +
    "(Control Tower's aws-controltower-BaselineCloudTrail), name it in this policy's externalOrganizationTrail.";

/** The trail settings an organization trail must have, and what each is for. */
const REQUIRED: { prop: string; what: string }[] = [
    { prop: "isMultiRegionTrail", what: "isMultiRegionTrail: true (events of every region, new ones included)" },
    { prop: "enableLogFileValidation", what: "enableLogFileValidation: true (digest files prove the logs were not changed)" },
];

/** What an organization trail lacks; `unknown` lists settings unknown at preview. */
function trailGaps(trail: Res): { missing: string[]; unknown: string[] } {
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const r of REQUIRED) {
        const v = trail.props[r.prop];
        if (isUnknown(v)) unknown.push(r.prop);
        else if (v !== true) missing.push(r.what);
    }
    return { missing, unknown };
}

export interface TrailFinding {
    urn: string;
    message: string;
}

/**
 * A stack that declares an organization must declare an organization trail that records every
 * region with log file validation, unless the policy config names a trail kept elsewhere.
 */
export function organizationTrailFindings(view: StackView, externalTrail = ""): TrailFinding[] {
    const orgs = view.ofType(T.organization);
    if (orgs.length === 0 || externalTrail !== "") return [];
    const trails = view.ofType(TRAIL);
    const orgTrails = trails.filter((t) => t.props.isOrganizationTrail === true);
    const undecided = trails.filter((t) => isUnknown(t.props.isOrganizationTrail));
    if (orgTrails.some((t) => trailGaps(t).missing.length === 0 && trailGaps(t).unknown.length === 0)) return [];
    if (orgTrails.length === 0) {
        if (undecided.length > 0) {
            return undecided.map((t) => ({ urn: t.urn, message: cannotCheck(`whether trail ${displayName(t)} is the organization trail (isOrganizationTrail)`) }));
        }
        return orgs.map((o) => ({
            urn: o.urn,
            message: `The organization ${displayName(o)} has no organization trail in this stack: no aws.cloudtrail.Trail with isOrganizationTrail: true records what happens in its accounts.`,
        }));
    }
    return orgTrails.map((t) => {
        const { missing, unknown } = trailGaps(t);
        if (missing.length > 0) return { urn: t.urn, message: `The organization trail ${displayName(t)} needs ${missing.join(" and ")}.` };
        return { urn: t.urn, message: cannotCheck(`the organization trail ${displayName(t)}'s ${unknown.join(" and ")}`) };
    });
}

export const organizationTrail: StackValidationPolicy = {
    name: "cloudtrail-organization-trail",
    description:
        "A stack that declares an AWS organization declares an organization trail (isOrganizationTrail) that records every region with log file validation, unless externalOrganizationTrail names one kept elsewhere.",
    remediationSteps: REMEDIATION,
    // A convention of this pack (AWS does not require a trail): advisory unless a stack's config raises it.
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            externalOrganizationTrail: {
                type: "string",
                default: "",
                description:
                    "ARN or name of an organization trail kept outside this stack (for example Control Tower's aws-controltower-BaselineCloudTrail); when set, the stack needs none of its own.",
            },
        },
    },
    validateStack: (args, report) => {
        const cfg = (args.getConfig() ?? {}) as { externalOrganizationTrail?: unknown };
        const external = typeof cfg.externalOrganizationTrail === "string" ? cfg.externalOrganizationTrail : "";
        for (const f of organizationTrailFindings(stackViewOf(args.resources), external)) report(msg(f.message, REMEDIATION), f.urn);
    },
};

// Small helpers for writing the policies.
import { EnforcementLevel, ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";

export type { EnforcementLevel };

/** A violation message: what is wrong and where, then the smallest fix. */
export function msg(problem: string, fix: string): string {
    return `${problem}\nFix: ${fix}`;
}

/** A finding of a stack policy: the resource it is about, what is wrong, the smallest fix. */
export interface Finding {
    urn?: string;
    problem: string;
    fix: string;
}

/** Reports each message once. */
export function reportAll(report: ReportViolation, messages: string[], urn?: string): void {
    for (const m of [...new Set(messages)]) report(m, urn);
}

/**
 * A resource validation for one resource type. The policy server skips it for every other type
 * before deserializing the resource (it does that per policy and per resource otherwise), which
 * matters at thousands of resources. `validateResourceOfType` reads only the class's Pulumi type
 * token; a stand-in carrying the token keeps @pulumi/aws out of the pack.
 */
export function forType(type: string, validate: (args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>): ResourceValidation {
    const resourceClass = { __pulumiType: type } as unknown as Parameters<typeof validateResourceOfType>[0];
    return validateResourceOfType(resourceClass, (_props, args, report) => validate(args, report));
}

// Small helpers for writing the policies.
import { EnforcementLevel, ReportViolation } from "@pulumi/policy";

export type { EnforcementLevel };

/** Message with remediation appended, so the CLI output says what to do. */
export function msg(problem: string, remediation: string): string {
    return `${problem}\nRemediation: ${remediation}`;
}

/** Reports each message once. */
export function reportAll(report: ReportViolation, messages: string[], urn?: string): void {
    for (const m of [...new Set(messages)]) report(m, urn);
}

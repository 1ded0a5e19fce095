// The change review's flags, kept apart from the review itself so that a plain plan does not
// load the comparison (and the program modules it reads names from).

export type FailOn = "widen" | "weaken" | "dangerous";

export const FAIL_ON_VALUES: FailOn[] = ["widen", "weaken", "dangerous"];

/** Exit status when a `--fail-on` condition is met (and the plans themselves pass). */
export const EXIT_FAIL_ON = 3;

export const REVIEW_USAGE = `change review (what a change does, against a base):
  --base <git-ref | plan.json> plan the stack at the base too (a commit checked out into a temporary
                               git worktree, or a plan saved with --json) and compare: access changes,
                               guardrail changes, dangerous operations, other resource changes,
                               policy violations new and fixed
  --format text|markdown       markdown: a pull-request comment (verdict line first)
  --json <file>                write the comparison as JSON
  --plan-markdown <file>       also write the working tree's full plan as --format markdown prints it
  --fail-on widen,weaken,dangerous
                               exit ${EXIT_FAIL_ON} when the change widens access, weakens a guardrail or has a
                               dangerous operation (after exit 1 and 2 of the plan itself)`;

/** `--fail-on` value -> the conditions, or an error message. */
export function parseFailOn(value: string): FailOn[] | string {
    const list = value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    const bad = list.filter((v) => !(FAIL_ON_VALUES as string[]).includes(v));
    if (bad.length || !list.length) return `--fail-on takes ${FAIL_ON_VALUES.join(", ")} (comma-separated), not '${value}'`;
    return [...new Set(list)] as FailOn[];
}

// How a failed plan explains itself: the program's error (a config error or not), what its
// process said when it ended without a result, and the stack settings' own problems merged
// with the program's.
import { SECRET_PLACEHOLDER, describeProblems, type ProjectInfo } from "./project";
import { readReports, unknownInvokeMessage } from "./process-report";
import type { PlannedResource, ProgramRun } from "./types";
import { displayTypeName } from "./names";

export type PlanErrorKind = "config" | "program" | "policy-pack";

export interface PlanError {
    kind: PlanErrorKind;
    /** One or a few lines, for people. */
    message: string;
    /** Stack trace or captured output, shown only with --verbose. */
    detail?: string;
}

export function firstLines(s: string, n: number): string {
    return s.trim().split("\n").slice(0, n).join("\n");
}

/** The first line of a failure, plus the thrown error's own line when the output has one. */
export function errorSummary(s: string): string {
    const lines = s.trim().split("\n");
    const first = lines[0] ?? "";
    const thrown = lines.slice(1).find((l) => /^\s*(?:[A-Z]\w*)?(?:Error|Exception)\b.*:/.test(l));
    return thrown ? `${first}\n${thrown.trim()}` : firstLines(s, 3);
}

/**
 * A `secure:` value reaches the program as a placeholder, which its validation may judge
 * against a format (an email, an account ID). Such a problem is about the placeholder, not the
 * value: it is reported as what it is.
 */
export function markSecretProblems(message: string, project: Pick<ProjectInfo, "secretPaths">): string {
    const quoted = JSON.stringify(SECRET_PLACEHOLDER);
    let marked = 0;
    let problems = 0;
    const lines = message.split("\n").map((line) => {
        const m = /^(\s*-\s+)(.*)$/.exec(line);
        if (!m) return line;
        problems++;
        const body = m[2]!;
        const key = project.secretPaths.find((p) => body.startsWith(`${p}: `)) ?? (body.endsWith(`(got ${quoted})`) ? body.slice(0, body.indexOf(": ")) : undefined);
        if (key === undefined || !body.includes(SECRET_PLACEHOLDER)) return line;
        marked++;
        return `${m[1]}${key}: secret value, not checked offline`;
    });
    if (marked > 0 && marked === problems) {
        lines.push(
            `(the program checked the placeholder ${quoted} of ${marked === 1 ? "a secret value" : "secret values"}: the offline plan cannot decrypt secure: values, so it cannot say whether they are valid)`,
        );
    }
    return lines.join("\n");
}

/** The stack settings' problems (ProjectInfo.problems), then what the program said. */
export function mergeConfigProblems(project: ProjectInfo, programError?: { message: string; config?: boolean }): string {
    const head = describeProblems(project.problems);
    if (!programError) return head;
    if (programError.config) return `${head}\n${markSecretProblems(programError.message, project)}`;
    return `${head}\nThe program then failed: ${programError.message}`;
}

function describeResource(r: PlannedResource): string {
    return `${displayTypeName(r.type)} '${r.name}'`;
}

/**
 * What to say when the program's process gave no result: the first error it raised (as its
 * process reported it), an invoke nothing answered, promises left pending, or a time limit.
 */
export function programFailure(spawned: { output: string; code: number | null; signal?: string | null; timedOutMs?: number }, resources: PlannedResource[]): PlanError {
    const { reports, rest } = readReports(spawned.output);
    const first = reports.find((r) => r.error)?.error;
    const unanswered = [...new Set(reports.flatMap((r) => r.unanswered ?? []))];
    const pending = reports.find((r) => r.pending)?.pending;
    const last = resources[resources.length - 1];
    const detail = [first?.stack, rest].filter(Boolean).join("\n") || undefined;
    if (spawned.timedOutMs !== undefined) {
        const registered = last ? `; the last resource it registered was ${describeResource(last)} (${resources.length} registered)` : "; it registered no resource";
        const waiting = unanswered.length ? `; it asked for ${unanswered.map((t) => `'${t}'`).join(", ")}, which the offline plan could not answer` : "";
        return { kind: "program", message: `the program did not finish within ${+(spawned.timedOutMs / 1000).toFixed(1)} s${registered}${waiting} (raise the limit with --timeout)`, detail };
    }
    const ended = `the program's process ended without a result (${spawned.signal ? `signal ${spawned.signal}` : `exit code ${spawned.code}`})`;
    const parts: string[] = [];
    if (first) parts.push(`its first error: ${first.message}`);
    const unmentioned = unanswered.filter((t) => !first?.message.includes(t));
    if (unmentioned.length) parts.push(unmentioned.map((t) => unknownInvokeMessage(t)).join("\n"));
    if (pending && !first) parts.push(pending);
    if (parts.length === 0 && rest) parts.push(errorSummary(rest));
    return { kind: first?.config ? "config" : "program", message: parts.length ? `${ended}; ${parts.join("\n")}` : ended, detail };
}

/** A program that finished with an error: a config error when it says so (see isConfigError). */
export function programError(error: NonNullable<ProgramRun["error"]>, project: ProjectInfo): PlanError {
    if (project.problems.length) return { kind: "config", message: mergeConfigProblems(project, error), detail: error.stack };
    if (error.config) return { kind: "config", message: markSecretProblems(error.message, project), detail: error.stack };
    return { kind: "program", message: error.message, detail: error.stack };
}

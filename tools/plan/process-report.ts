// What the program's process tells the plan besides its IPC messages: lines on its stderr,
// written synchronously, so that they arrive even when the process ends without a result.
// Kept apart from program.ts, which the plan's own process does not need to load.
import * as fs from "fs";

/**
 * A line the program's process writes to stderr, synchronously, about what went wrong, so that
 * the plan hears it even when the process ends without a result (the event loop ran dry with
 * promises pending, or the program called process.exit).
 */
export const REPORT_MARKER = "\u0000offline-plan-report:";

export interface ProcessReport {
    /** The first error the program raised (uncaught, an unhandled rejection, or thrown). */
    error?: { message: string; stack?: string; config?: boolean };
    /** Invokes the offline plan had no answer for, in order. */
    unanswered?: string[];
    /** The SDK's word on promises still pending when the process ended. */
    pending?: string;
    /** The process ended (process.exit or the event loop ran dry) before the program finished. */
    exitCode?: number;
}

export function writeReport(report: ProcessReport): void {
    try {
        fs.writeSync(2, `\n${REPORT_MARKER}${JSON.stringify(report)}\n`);
    } catch {
        // stderr closed: the parent is gone.
    }
}

/** Splits a process's output into its report lines (parsed) and the rest. */
export function readReports(output: string): { reports: ProcessReport[]; rest: string } {
    const reports: ProcessReport[] = [];
    const rest: string[] = [];
    for (const line of output.split("\n")) {
        const i = line.indexOf(REPORT_MARKER);
        if (i < 0) {
            rest.push(line);
            continue;
        }
        try {
            reports.push(JSON.parse(line.slice(i + REPORT_MARKER.length)) as ProcessReport);
        } catch {
            rest.push(line);
        }
    }
    return { reports, rest: rest.join("\n").trim() };
}

/** What an invoke nobody could answer fails with: its token, and how to answer it. */
export function unknownInvokeMessage(token: string): string {
    return `the offline plan has no answer for the function '${token}'; it cannot be evaluated without AWS: ` + `give its result in a mocks file (--mocks <file>, under "invokes:", key "${token}")`;
}

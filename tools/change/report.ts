// The plan's `--json` report as a change review reads it: the plan's own report plus what a
// comparison needs (stack outputs, aliases, ignoreChanges, property dependencies), and the
// reading of a saved report given as `--base <plan.json>`.
import * as fs from "fs";
import { displayValue, toJsonReport } from "../plan/render";
import type { PlanResult } from "../plan/run";
import type { PlanValue } from "../plan/types";
import type { SavedPlan, SavedResource } from "./types";

/** The `--json` report of a plan, with what a later comparison against it needs. */
export function planReport(result: PlanResult): SavedPlan {
    return withComparisonFields(toJsonReport(result), result);
}

/** Adds to a plan's JSON report the fields a comparison reads (kept when the report has them). */
export function withComparisonFields(report: ReturnType<typeof toJsonReport>, result: PlanResult): SavedPlan {
    return {
        ...report,
        resources: report.resources.map((r, i) => {
            const planned = result.resources[i]!;
            const extra = r as Partial<SavedResource>;
            return {
                ...r,
                aliases: extra.aliases ?? planned.options.aliases,
                ignoreChanges: extra.ignoreChanges ?? planned.options.ignoreChanges,
                replaceOnChanges: planned.options.replaceOnChanges,
                propertyDependencies: planned.propertyDependencies,
            } as SavedResource;
        }),
        outputs: displayValue(result.outputs as PlanValue) as Record<string, unknown>,
    };
}

export class SavedPlanError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a saved plan (`npm run plan -- --json <file>`), checking the fields a comparison uses. */
export function readSavedPlan(file: string): SavedPlan {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new SavedPlanError(`cannot read the base plan ${file}: ${(e as Error).message}`);
    }
    const bad = (what: string) => new SavedPlanError(`${file} is not a plan report (npm run plan -- --json <file>): ${what}`);
    if (!isRecord(parsed)) throw bad("expected a JSON object");
    if (typeof parsed.stack !== "string" || typeof parsed.project !== "string") throw bad("'project' and 'stack' must be strings");
    if (!Array.isArray(parsed.resources)) throw bad("'resources' must be a list");
    parsed.resources.forEach((r, i) => {
        if (!isRecord(r) || typeof r.urn !== "string" || typeof r.type !== "string" || typeof r.name !== "string" || !isRecord(r.inputs) || !Array.isArray(r.dependencies)) {
            throw bad(`resources[${i}] needs urn, type, name, inputs and dependencies`);
        }
    });
    if (!Array.isArray(parsed.violations)) throw bad("'violations' must be a list");
    return parsed as unknown as SavedPlan;
}

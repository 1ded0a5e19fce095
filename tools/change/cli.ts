// `npm run plan -- --stack <name> --base <git-ref | plan.json>`: plans the base and the working
// tree offline (at the same time), compares them and prints the review. The I/O around the pure
// comparison (compare.ts) and rendering (render.ts).
import * as fs from "fs";
import * as path from "path";
import { renderMarkdown, renderText } from "../plan/render";
import { runPlan, type PlanOptions, type PlanResult } from "../plan/run";
import { BaseError, checkoutBase, type BaseCheckout, type Runner } from "./base";
import { compare, failures } from "./compare";
import { EXIT_FAIL_ON, type FailOn } from "./flags";
import { renderChangeMarkdown, renderChangeText } from "./render";
import { planReport, readSavedPlan, SavedPlanError } from "./report";
import type { Comparison, SavedPlan } from "./types";

export interface ReviewArgs {
    stack: string;
    dir: string;
    /** A git ref, or a saved plan (`--json` of a plan) when it names an existing file. */
    base: string;
    policyPack: string | null;
    policyPackConfig?: string;
    format: "text" | "markdown";
    /** Writes the comparison as JSON. */
    json?: string;
    /** Writes the working tree's full plan as `--format markdown` prints it (for a job summary). */
    planMarkdown?: string;
    failOn: FailOn[];
    verbose: boolean;
}

export interface ReviewOutput {
    exitCode: number;
    stdout: string;
    stderr: string;
    comparison?: Comparison;
}

/**
 * The review's exit status: the working tree's plan first (1 a mandatory violation, 2 an error),
 * then EXIT_FAIL_ON when the comparison meets a `--fail-on` condition, else 0.
 */
export function exitStatus(headExitCode: number, comparison: Comparison, failOn: FailOn[]): number {
    if (headExitCode !== 0) return headExitCode;
    return failures(comparison, failOn).length ? EXIT_FAIL_ON : 0;
}

/** A saved plan is given by path; anything else is a git ref. */
export function isSavedPlan(base: string): boolean {
    return base.endsWith(".json") || (fs.existsSync(base) && fs.statSync(base).isFile());
}

function planOptions(args: ReviewArgs, dir: string, policyPack: string | null, policyPackConfig?: string): PlanOptions {
    return { dir, stack: args.stack, policyPackDir: policyPack, stackTraces: args.verbose, ...(policyPackConfig ? { policyConfigFile: policyPackConfig } : {}) };
}

function failureText(what: string, result: PlanResult, args: ReviewArgs): string {
    return `${what} failed (${result.error!.kind} error): ${result.error!.message}${args.verbose && result.error!.detail ? `\n${result.error!.detail}` : ""}`;
}

/** The markdown or text shown instead of a comparison when a plan failed. */
function failed(args: ReviewArgs, message: string): ReviewOutput {
    const stdout = args.format === "markdown" ? `**Change review, \`${args.stack}\`: not available**\n\n\`\`\`text\n${message}\n\`\`\`\n` : "";
    return { exitCode: 2, stdout, stderr: `error: ${message}\n` };
}

/** The base plan from a git ref: a temporary worktree, planned with its own program, config and pack. */
async function planGitBase(args: ReviewArgs, checkout: BaseCheckout, plan: PlanRunner): Promise<{ plan?: SavedPlan; result?: PlanResult; notes: string[] }> {
    const notes: string[] = [];
    const dir = checkout.projectDir;
    const hasStackFile = ["yaml", "yml"].some((ext) => fs.existsSync(path.join(dir, `Pulumi.${args.stack}.${ext}`)));
    const hasProject = ["yaml", "yml"].some((ext) => fs.existsSync(path.join(dir, `Pulumi.${ext}`)));
    if (!hasProject || !hasStackFile) {
        notes.push(`The stack ${args.stack} has no ${hasProject ? "settings file" : "Pulumi project"} at ${args.base}: everything is new.`);
        return { plan: { project: "", stack: args.stack, resources: [], violations: [], outputs: {} }, notes };
    }
    let pack: string | null = null;
    if (args.policyPack) {
        pack = checkout.mapPath(args.policyPack);
        if (pack === null) notes.push(`The policy pack does not exist at ${args.base}: the base is planned without one, so every violation shows as new.`);
    }
    // An explicit config file: the base's version of it (this one when the base has none).
    const config = args.policyPackConfig ? (checkout.mapPath(args.policyPackConfig) ?? args.policyPackConfig) : undefined;
    const result = await plan(planOptions(args, dir, pack, pack ? config : undefined));
    return { result, notes };
}

/** What makes a plan: runPlan, or a caller's (tests plan in their own process). */
export type PlanRunner = (opts: PlanOptions) => Promise<PlanResult>;

export async function review(args: ReviewArgs, opts: { run?: Runner; log?: (line: string) => void; plan?: PlanRunner } = {}): Promise<ReviewOutput> {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const plan = opts.plan ?? runPlan;
    const planHead = () =>
        plan(planOptions(args, args.dir, args.policyPack, args.policyPackConfig)).then((h) => {
            if (args.planMarkdown) {
                fs.mkdirSync(path.dirname(args.planMarkdown), { recursive: true });
                fs.writeFileSync(args.planMarkdown, renderMarkdown(h));
            }
            return h;
        });
    let checkout: BaseCheckout | undefined;
    try {
        let basePlanned: Promise<{ plan?: SavedPlan; result?: PlanResult; notes: string[] }>;
        let baseInfo: Comparison["base"];
        try {
            if (isSavedPlan(args.base)) {
                const plan = readSavedPlan(path.resolve(args.base));
                basePlanned = Promise.resolve({ plan, notes: [] });
                baseInfo = { source: "file", file: args.base, project: plan.project, stack: plan.stack, resources: plan.resources.length };
            } else {
                // Before any plan starts: npm ci, when needed, runs synchronously.
                checkout = checkoutBase(args.dir, args.base, { run: opts.run, log });
                if (checkout.dependencies === "installed") log(`base ${args.base}: dependencies installed with npm ci`);
                basePlanned = planGitBase(args, checkout, plan);
                baseInfo = { source: "git", ref: args.base, commit: checkout.commit, project: "", stack: args.stack, resources: 0 };
            }
        } catch (e) {
            if (!(e instanceof BaseError || e instanceof SavedPlanError)) throw e;
            if (args.planMarkdown) await planHead();
            return failed(args, e.message);
        }
        // The two plans run at the same time.
        const [base, head] = await Promise.all([basePlanned, planHead()]);
        return finish(args, base, head, baseInfo);
    } finally {
        checkout?.remove();
    }
}

function finish(args: ReviewArgs, base: { plan?: SavedPlan; result?: PlanResult; notes: string[] }, head: PlanResult, baseInfo: Comparison["base"]): ReviewOutput {
    if (head.error) {
        return { ...failed(args, failureText("the working tree's plan", head, args)), stderr: renderText(head, { verbose: args.verbose }) };
    }
    if (base.result?.error) return failed(args, failureText(`the base plan (${args.base})`, base.result, args));
    const basePlan = base.plan ?? planReport(base.result!);
    const headReport = planReport(head);
    if (basePlan.stack !== headReport.stack || (basePlan.project && basePlan.project !== headReport.project)) {
        return failed(args, `the base plan is of ${basePlan.project}/${basePlan.stack}, not ${headReport.project}/${headReport.stack}: URNs would not match`);
    }
    if (basePlan.error) return failed(args, `the saved base plan records a failed plan (${basePlan.error.kind}): ${basePlan.error.message}`);
    if (baseInfo.source === "git") baseInfo = { ...baseInfo, project: basePlan.project || headReport.project, resources: basePlan.resources.length };
    const comparison = compare(basePlan, headReport, { base: baseInfo });
    comparison.notes.push(...base.notes);
    if (args.json) {
        fs.mkdirSync(path.dirname(args.json), { recursive: true });
        fs.writeFileSync(args.json, JSON.stringify(comparison, null, 2) + "\n");
    }
    const stdout = args.format === "markdown" ? renderChangeMarkdown(comparison) : renderChangeText(comparison);
    const failing = failures(comparison, args.failOn);
    const exitCode = exitStatus(head.exitCode, comparison, args.failOn);
    const stderr = failing.length
        ? `--fail-on ${failing.join(",")}: ${failing.map((f) => (f === "widen" ? `${comparison.summary.widens} widening access change(s)` : f === "weaken" ? `${comparison.summary.weakens} weakening guardrail change(s)` : `${comparison.summary.dangerous} dangerous operation(s)`)).join(", ")}\n`
        : "";
    return { exitCode, stdout, stderr, comparison };
}

/** The CLI's `--base` mode: runs the review and prints it; returns the exit status. */
export async function reviewMain(
    args: Omit<ReviewArgs, "format" | "failOn"> & { format: string; failOn?: FailOn[] },
    io: { stdout(text: string): void; stderr(text: string): void; runPlan: PlanRunner } = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), runPlan },
): Promise<number> {
    const out = await review({ ...args, format: args.format === "markdown" ? "markdown" : "text", failOn: args.failOn ?? [] }, { plan: io.runPlan, log: (l) => io.stderr(`${l}\n`) });
    io.stderr(out.stderr);
    io.stdout(out.stdout);
    return out.exitCode;
}

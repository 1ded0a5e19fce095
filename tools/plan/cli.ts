// npm run plan -- --stack <name> [--dir <project>] [--policy-pack <dir>] [--policy-pack-config <file>]
//                 [--no-policy-pack] [--mocks <file>] [--timeout <duration>] [--json <file>]
//                 [--format text|mermaid|markdown] [--verbose]
import * as fs from "fs";
import { parseFailOn, REVIEW_USAGE, type FailOn } from "../change/flags";
import { withComparisonFields } from "../change/report";
import * as path from "path";
import { REPO_ROOT } from "./paths";
import { renderMarkdown, renderMermaid, renderText, toJsonReport } from "./render";
import { DEFAULT_TIMEOUT_MS, runPlan, type PlanOptions, type PlanResult } from "./run";
import { eachArg, UsageError } from "../lib/argv";

export const USAGE = `usage: npm run plan -- --stack <name> [options]

Shows what a Pulumi stack would create and what the policy pack says about it, offline:
the program runs under the Pulumi SDK's mock monitor in preview mode, and the policy pack
is asked over its analyzer protocol, as \`pulumi preview --policy-pack\` would.

options:
  --stack <name>               stack to plan (reads Pulumi.<name>.yaml; absent: empty config)
  --dir <dir>                  Pulumi project directory (default: this repository)
  --policy-pack <dir>          policy pack directory (default: policypack/)
  --policy-pack-config <file>  policy pack config JSON (default: <policy-pack>/config/<stack>.json if present
                               and the project is the pack's own; otherwise the pack's defaults)
  --no-policy-pack             run the program only
  --mocks <file>               answers the plan cannot know, JSON or YAML: invoke token -> result
                               (under invokes:), resource type or name -> outputs (under resources:)
  --timeout <duration>         time limit of each step: the program, the policy pack's start, each
                               resource's Analyze and AnalyzeStack (seconds, or 90s, 5m; default ${DEFAULT_TIMEOUT_MS / 1000}s)
  --json <file>                also write the plan as JSON
  --format text|mermaid|markdown
                               text: resource tree, violations, summary (default)
                               mermaid: the AWS organization with its SCPs
                               markdown: a pull-request comment with the access table
  --verbose                    program output and stack traces

exit status: 0 no mandatory violation, 1 a mandatory violation, 2 config, program or policy pack error
(deletes are not shown: the offline plan has no state; compare with a base plan for them)`;

export interface CliArgs {
    stack: string;
    dir: string;
    policyPack: string | null;
    policyPackConfig?: string;
    mocks?: string;
    timeoutMs?: number;
    json?: string;
    format: "text" | "mermaid" | "markdown";
    verbose: boolean;
    help: boolean;
    /** Change review: the base to compare with (a git ref or a saved plan). */
    base?: string;
    failOn?: FailOn[];
    planMarkdown?: string;
}

export { UsageError };

/** "90", "90s", "1m30s", "500ms" -> milliseconds. */
export function parseDuration(text: string): number {
    const t = text.trim();
    if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let total = 0;
    let rest = t;
    const re = /^(\d+(?:\.\d+)?)(ms|s|m|h)/;
    for (let m = re.exec(rest); m; m = re.exec(rest)) {
        total += Number(m[1]) * units[m[2]!]!;
        rest = rest.slice(m[0].length);
    }
    if (rest !== "" || total <= 0) throw new UsageError(`--timeout must be a duration such as 90, 90s, 5m or 1m30s, not '${text}'`);
    return total;
}

export function parseArgs(argv: string[]): CliArgs {
    const args: CliArgs = { stack: "", dir: REPO_ROOT, policyPack: path.join(REPO_ROOT, "policypack"), format: "text", verbose: false, help: false };
    for (const { raw, flag, value } of eachArg(argv)) {
        switch (flag) {
            case "--stack":
            case "-s":
                args.stack = value();
                break;
            case "--dir":
            case "-C":
                args.dir = path.resolve(value());
                break;
            case "--policy-pack":
                args.policyPack = path.resolve(value());
                break;
            case "--no-policy-pack":
                args.policyPack = null;
                break;
            case "--policy-pack-config":
                args.policyPackConfig = path.resolve(value());
                break;
            case "--mocks":
                args.mocks = path.resolve(value());
                break;
            case "--timeout":
                args.timeoutMs = parseDuration(value());
                break;
            case "--json":
                args.json = path.resolve(value());
                break;
            case "--format": {
                const f = value();
                if (f !== "text" && f !== "mermaid" && f !== "markdown") throw new UsageError(`--format must be text, mermaid or markdown, not '${f}'`);
                args.format = f;
                break;
            }
            case "--verbose":
            case "-v":
                args.verbose = true;
                break;
            case "--base":
                args.base = value();
                break;
            case "--fail-on": {
                const f = parseFailOn(value());
                if (typeof f === "string") throw new UsageError(f);
                args.failOn = f;
                break;
            }
            case "--plan-markdown":
                args.planMarkdown = path.resolve(value());
                break;
            case "--help":
            case "-h":
                args.help = true;
                break;
            default:
                throw new UsageError(`unknown argument '${raw}'`);
        }
    }
    if (!args.help && !args.stack) throw new UsageError("--stack is required");
    if (args.base === undefined && (args.failOn || args.planMarkdown)) throw new UsageError(`${args.failOn ? "--fail-on" : "--plan-markdown"} needs --base`);
    if (args.base !== undefined && args.format === "mermaid") throw new UsageError("--base takes --format text or markdown");
    return args;
}

export function render(result: PlanResult, args: Pick<CliArgs, "format" | "verbose">): string {
    switch (args.format) {
        case "mermaid":
            return renderMermaid(result);
        case "markdown":
            return renderMarkdown(result);
        default:
            return renderText(result, { verbose: args.verbose });
    }
}

/** Where the command writes, and what plans: the process's streams and runPlan, or a caller's (tests run the command in their own process). */
export interface CliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    runPlan(opts: PlanOptions): Promise<PlanResult>;
}

const processIo: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    runPlan,
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`error: ${e.message}\n\n${USAGE}\n\n${REVIEW_USAGE}\n`);
            return 2;
        }
        throw e;
    }
    if (args.base !== undefined && !args.help) return (await import("../change/cli")).reviewMain({ ...args, base: args.base }, io);
    if (args.help) {
        io.stdout(`${USAGE}\n\n${REVIEW_USAGE}\n`);
        return 0;
    }
    const opts: PlanOptions = {
        dir: args.dir,
        stack: args.stack,
        policyPackDir: args.policyPack,
        stackTraces: args.verbose,
        ...(args.policyPackConfig ? { policyConfigFile: args.policyPackConfig } : {}),
        ...(args.mocks ? { mocksFile: args.mocks } : {}),
        ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}),
    };
    const result = await io.runPlan(opts);
    if (args.json) {
        fs.mkdirSync(path.dirname(args.json), { recursive: true });
        fs.writeFileSync(args.json, JSON.stringify(withComparisonFields(toJsonReport(result), result), null, 2) + "\n");
    }
    if (result.error && args.format !== "text") {
        // The drawing or comment goes to stdout; the error still reaches the terminal.
        io.stderr(`error (${result.error.kind}): ${result.error.message}\n`);
        if (args.verbose && result.error.detail) io.stderr(`${result.error.detail}\n`);
    }
    io.stdout(render(result, args));
    return result.exitCode;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            const verbose = process.argv.includes("--verbose") || process.argv.includes("-v");
            process.stderr.write(`error: ${e instanceof Error ? (verbose ? e.stack : e.message) : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}

// npm run review -- --stack <name> [--live | --snapshot <dir>] [--save-snapshot <dir>]
//                   [--format text|markdown] [--json <file>] [--fail-on high|medium|low]
import * as fs from "fs";
import * as path from "path";
import { ConfigError as StackConfigError } from "../../components/config";
import { ConfigError as ProjectConfigError } from "../plan/project";
import { collect, DEFAULT_ROLE_NAME } from "./collect";
import { DEFAULT_REVIEW_OPTIONS, review, type ReviewOptions } from "./compare";
import { loadDeclared, type Declared } from "./declared";
import { exitCodeFor, renderMarkdown, renderText, toJson, type ReviewResult } from "./render";
import { loadSnapshot, saveSnapshot, SnapshotError } from "./snapshot";
import { SEVERITIES, type Severity, type Snapshot } from "./types";
import { eachArg, UsageError } from "../lib/argv";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const USAGE = `usage: npm run review -- --stack <name> (--live | --snapshot <dir>) [options]

Compares the live AWS estate with what the stack declares: leavers, movers, unmanaged principals
and policies, credentials, guardrail drift, cost.

options:
  --stack <name>               stack whose config is the reference (Pulumi.<name>.yaml)
  --live                       collect now, read-only, with the AWS credentials of the environment
  --snapshot <dir>             review a saved snapshot instead (offline)
  --save-snapshot <dir>        with --live: also write what was collected
  --format text|markdown       report on stdout (default text)
  --json <file>                also write every finding as JSON
  --fail-on high|medium|low    exit 1 when a finding is at or above this severity (default high)
  --dir <dir>                  Pulumi project directory (default: this repository)
  --regions <a,b>              regions to list instances in (default: guardrails.allowedRegions,
                               else every enabled region)
  --role-name <path/name>      review role to assume (default ${DEFAULT_ROLE_NAME})
  --key-max-age-days <n>       access keys older than this (default ${DEFAULT_REVIEW_OPTIONS.keyMaxAgeDays})
  --key-unused-days <n>        access keys unused this long (default: the stack's security.accessAnalyzer
                               unusedAccessAge when it deploys that analyzer, else ${DEFAULT_REVIEW_OPTIONS.keyUnusedDays})
  --password-unused-days <n>   console passwords unused this long (default: the same, else ${DEFAULT_REVIEW_OPTIONS.passwordUnusedDays})
  --max-instance-size <size>   non-production instances above this size (default ${DEFAULT_REVIEW_OPTIONS.maxInstanceSize})

Progress goes to stderr. Exit status: 0 nothing at or above --fail-on, 1 there is, 2 the review
could not run (bad arguments, config error, unreadable snapshot, no credentials).`;

export interface CliArgs {
    stack: string;
    dir: string;
    mode?: "live" | "snapshot";
    snapshot?: string;
    saveSnapshot?: string;
    format: "text" | "markdown";
    json?: string;
    failOn: Severity;
    regions?: string[];
    roleName: string;
    options: ReviewOptions;
    /** The options given on the command line (the others may come from the stack). */
    explicit: (keyof ReviewOptions)[];
    help: boolean;
}

export { UsageError };

/**
 * The thresholds the review applies: the command line's, else, for unused passwords and access
 * keys, the unused-access analyzer's age when the stack's security baseline deploys one (the
 * review and the analyzer then call the same credentials unused), else the defaults.
 */
export function reviewOptions(args: Pick<CliArgs, "options" | "explicit">, declared: Pick<Declared, "unusedAccessAge">): ReviewOptions {
    const out = { ...args.options };
    if (declared.unusedAccessAge !== undefined) {
        if (!args.explicit.includes("keyUnusedDays")) out.keyUnusedDays = declared.unusedAccessAge;
        if (!args.explicit.includes("passwordUnusedDays")) out.passwordUnusedDays = declared.unusedAccessAge;
    }
    return out;
}

export function parseArgs(argv: string[]): CliArgs {
    const a: CliArgs = { stack: "", dir: REPO_ROOT, format: "text", failOn: "high", roleName: DEFAULT_ROLE_NAME, options: { ...DEFAULT_REVIEW_OPTIONS }, explicit: [], help: false };
    const days = (flag: string, v: string) => {
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} must be a whole number of days (1 or more), not '${v}'`);
        return Number(v);
    };
    for (const { raw, flag, value } of eachArg(argv)) {
        const mode = (m: "live" | "snapshot") => {
            if (a.mode && a.mode !== m) throw new UsageError("--live and --snapshot exclude each other");
            a.mode = m;
        };
        switch (flag) {
            case "--stack":
                a.stack = value();
                break;
            case "--dir":
                a.dir = path.resolve(value());
                break;
            case "--live":
                mode("live");
                break;
            case "--snapshot":
                mode("snapshot");
                a.snapshot = path.resolve(value());
                break;
            case "--save-snapshot":
                a.saveSnapshot = path.resolve(value());
                break;
            case "--format": {
                const f = value();
                if (f !== "text" && f !== "markdown") throw new UsageError(`--format must be text or markdown, not '${f}'`);
                a.format = f;
                break;
            }
            case "--json":
                a.json = path.resolve(value());
                break;
            case "--fail-on": {
                const f = value() as Severity;
                if (!SEVERITIES.includes(f)) throw new UsageError(`--fail-on must be high, medium or low, not '${f}'`);
                a.failOn = f;
                break;
            }
            case "--regions": {
                const rs = value()
                    .split(",")
                    .map((x) => x.trim())
                    .filter(Boolean);
                const bad = rs.filter((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r));
                if (!rs.length || bad.length) throw new UsageError(`--regions must be region codes such as eu-west-1,us-east-1${bad.length ? `, not '${bad.join(",")}'` : ""}`);
                a.regions = rs;
                break;
            }
            case "--role-name":
                a.roleName = value().replace(/^\//, "");
                break;
            case "--key-max-age-days":
                a.options.keyMaxAgeDays = days(flag, value());
                break;
            case "--key-unused-days":
                a.options.keyUnusedDays = days(flag, value());
                a.explicit.push("keyUnusedDays");
                break;
            case "--password-unused-days":
                a.options.passwordUnusedDays = days(flag, value());
                a.explicit.push("passwordUnusedDays");
                break;
            case "--max-instance-size": {
                const v = value();
                if (!/^(nano|micro|small|medium|large|\d*xlarge|metal)$/.test(v)) throw new UsageError(`--max-instance-size must be an EC2 size such as large, xlarge or 4xlarge, not '${v}'`);
                a.options.maxInstanceSize = v;
                break;
            }
            case "--help":
            case "-h":
                a.help = true;
                break;
            default:
                throw new UsageError(`unknown argument '${raw}'`);
        }
    }
    if (a.help) return a;
    if (!a.stack) throw new UsageError("--stack is required");
    if (!a.mode) throw new UsageError("one of --live or --snapshot <dir> is required");
    if (a.saveSnapshot && a.mode !== "live") throw new UsageError("--save-snapshot needs --live (a snapshot is already saved)");
    return a;
}

function toolVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

export async function main(
    argv: string[],
    io: { stdout: (s: string) => void; stderr: (s: string) => void } = {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
    },
): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`error: ${e.message}\n\n${USAGE}\n`);
            return 2;
        }
        throw e;
    }
    if (args.help) {
        io.stdout(`${USAGE}\n`);
        return 0;
    }
    try {
        const declared = loadDeclared(args.dir, args.stack);
        let snapshot: Snapshot;
        if (args.mode === "snapshot") {
            snapshot = loadSnapshot(args.snapshot!);
            if (snapshot.manifest.stack !== args.stack) io.stderr(`note: the snapshot was collected for stack '${snapshot.manifest.stack}'; reviewing it against '${args.stack}'\n`);
        } else {
            const homeRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? declared.homeRegion ?? "us-east-1";
            snapshot = await collect({
                stack: args.stack,
                homeRegion,
                regions: args.regions ?? declared.allowedRegions,
                organization: declared.plan.organization !== undefined,
                roleName: args.roleName,
                toolVersion: toolVersion(),
                progress: (l) => io.stderr(`review: ${l}\n`),
            });
            if (args.saveSnapshot) {
                saveSnapshot(snapshot, args.saveSnapshot);
                io.stderr(`review: snapshot saved to ${args.saveSnapshot}\n`);
            }
        }
        const result: ReviewResult = { stack: args.stack, manifest: snapshot.manifest, findings: review(snapshot, declared, reviewOptions(args, declared)) };
        if (args.json) {
            fs.mkdirSync(path.dirname(args.json), { recursive: true });
            fs.writeFileSync(args.json, JSON.stringify(toJson(result), null, 2) + "\n");
        }
        io.stdout(args.format === "markdown" ? renderMarkdown(result) : renderText(result));
        return exitCodeFor(result.findings, args.failOn);
    } catch (e) {
        if (e instanceof StackConfigError || e instanceof ProjectConfigError || e instanceof SnapshotError) {
            io.stderr(`error: ${e.message}\n`);
            return 2;
        }
        const err = e as { name?: string; message?: string };
        // No or bad credentials, or STS unreachable: the review could not start.
        io.stderr(`error: the review could not run: ${err.name ?? "Error"}: ${err.message ?? String(e)}\n`);
        return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}

// The base of a change review given as a git ref: the commit checked out into a temporary git
// worktree, with its own dependencies. Dependencies cost the most: when the base's
// package-lock.json is byte-for-byte the one of this checkout, the worktree links this
// checkout's node_modules (same lock, same packages); otherwise `npm ci` installs the base's
// own in the worktree.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface CommandResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a command; replaceable in tests. */
export type Runner = (cmd: string, args: string[], cwd: string) => CommandResult;

export const runCommand: Runner = (cmd, args, cwd) => {
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { status: r.error ? null : r.status, stdout: r.stdout ?? "", stderr: r.error ? r.error.message : (r.stderr ?? "") };
};

export class BaseError extends Error {}

function git(run: Runner, cwd: string, args: string[]): string {
    const r = run("git", args, cwd);
    if (r.status !== 0) throw new BaseError(`git ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
    return r.stdout.trim();
}

export interface BaseCheckout {
    ref: string;
    commit: string;
    /** The worktree's copy of the project directory. */
    projectDir: string;
    /**
     * The same path in the worktree for a path inside this repository (null when it does not
     * exist at the base); a path outside the repository is returned as is.
     */
    mapPath(p: string): string | null;
    /** How the worktree got its dependencies. */
    dependencies: "linked" | "installed" | "none";
    remove(): void;
}

/** The nearest directory from `dir` up to `top` holding a package.json. */
function packageRoot(dir: string, top: string): string | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        if (fs.existsSync(path.join(d, "package.json"))) return d;
        if (d === top || path.dirname(d) === d) return undefined;
    }
}

function sameFile(a: string, b: string): boolean {
    if (!fs.existsSync(a) || !fs.existsSync(b)) return false;
    return fs.readFileSync(a).equals(fs.readFileSync(b));
}

/** Workspace directories named in a package.json (plain paths; globs are not expanded). */
function workspaces(pkgDir: string): string[] {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { workspaces?: string[] | { packages?: string[] } };
        const list = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);
        return list.filter((w) => !/[*?]/.test(w));
    } catch {
        return [];
    }
}

/**
 * Checks out `ref` of the repository holding `projectDir` into a temporary worktree and gives it
 * dependencies. `log` hears what takes time (npm ci).
 */
export function checkoutBase(projectDir: string, ref: string, opts: { run?: Runner; log?: (line: string) => void } = {}): BaseCheckout {
    const run = opts.run ?? runCommand;
    const log = opts.log ?? (() => undefined);
    const dir = path.resolve(projectDir);
    let top: string;
    try {
        top = fs.realpathSync(git(run, dir, ["rev-parse", "--show-toplevel"]));
    } catch (e) {
        throw new BaseError(`--base ${ref}: ${dir} is not in a git repository (${(e as Error).message})`);
    }
    const commitResult = run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], dir);
    if (commitResult.status !== 0) {
        throw new BaseError(`--base ${ref}: no such commit in ${top} (a shallow clone may lack it: fetch it, e.g. actions/checkout with fetch-depth: 2 for HEAD^1)`);
    }
    const commit = commitResult.stdout.trim();
    const realDir = fs.realpathSync(dir);
    const rel = path.relative(top, realDir);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "change-base-"));
    const tree = path.join(tmp, "tree");
    const remove = () => {
        run("git", ["worktree", "remove", "--force", tree], top);
        fs.rmSync(tmp, { recursive: true, force: true });
        run("git", ["worktree", "prune"], top);
    };
    try {
        git(run, top, ["worktree", "add", "--detach", "--quiet", tree, commit]);
        const mapPath = (p: string) => {
            const abs = fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p);
            const r = path.relative(top, abs);
            if (r.startsWith("..") || path.isAbsolute(r)) return p;
            const mapped = path.join(tree, r);
            return fs.existsSync(mapped) ? mapped : null;
        };
        let dependencies: BaseCheckout["dependencies"] = "none";
        const headPkg = packageRoot(realDir, top);
        const basePkg = headPkg ? path.join(tree, path.relative(top, headPkg)) : undefined;
        if (headPkg && basePkg && fs.existsSync(path.join(basePkg, "package.json"))) {
            const headModules = path.join(headPkg, "node_modules");
            if (sameFile(path.join(headPkg, "package-lock.json"), path.join(basePkg, "package-lock.json")) && fs.existsSync(headModules)) {
                fs.symlinkSync(headModules, path.join(basePkg, "node_modules"), "dir");
                for (const w of workspaces(headPkg)) {
                    const wsModules = path.join(headPkg, w, "node_modules");
                    if (fs.existsSync(wsModules) && fs.existsSync(path.join(basePkg, w)) && !fs.existsSync(path.join(basePkg, w, "node_modules"))) {
                        fs.symlinkSync(wsModules, path.join(basePkg, w, "node_modules"), "dir");
                    }
                }
                dependencies = "linked";
            } else {
                log(`base ${ref}: package-lock.json differs from this checkout's; npm ci in the base worktree`);
                const r = run("npm", ["ci", "--no-audit", "--no-fund"], basePkg);
                if (r.status !== 0) throw new BaseError(`--base ${ref}: npm ci failed in the base worktree: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
                dependencies = "installed";
            }
        }
        return { ref, commit, projectDir: path.join(tree, rel), mapPath, dependencies, remove };
    } catch (e) {
        remove();
        throw e;
    }
}

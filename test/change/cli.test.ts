// The change review's command line and its base: flags, a saved plan read back, a git ref
// checked out into a temporary worktree (dependencies linked or installed), and one real run
// end to end, where a git-ref base and a saved-plan base give the same comparison.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { BaseError, checkoutBase, runCommand, type Runner } from "../../tools/change/base";
import { EXIT_FAIL_ON } from "../../tools/change/flags";
import { readSavedPlan, SavedPlanError } from "../../tools/change/report";
import type { Comparison } from "../../tools/change/types";
import { parseArgs, UsageError } from "../../tools/plan/cli";
import { runCliHere, tempDir } from "../plan/support";
import { ROOT } from "./support";

function git(cwd: string, ...args: string[]): string {
    const r = spawnSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });
    assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
}

function worktrees(repo: string): number {
    return git(repo, "worktree", "list", "--porcelain")
        .split("\n")
        .filter((l) => l.startsWith("worktree ")).length;
}

describe("change review: command line", () => {
    it("takes --base, --fail-on (a comma list) and --plan-markdown, and refuses what does not fit", () => {
        const a = parseArgs(["--stack", "prod", "--base", "HEAD^1", "--fail-on", "widen,dangerous", "--format", "markdown"]);
        assert.deepEqual([a.base, a.failOn, a.format], ["HEAD^1", ["widen", "dangerous"], "markdown"]);
        assert.throws(
            () => parseArgs(["--stack", "prod", "--base", "HEAD", "--fail-on", "widen,everything"]),
            (e: Error) => e instanceof UsageError && /--fail-on takes widen, weaken, dangerous/.test(e.message),
        );
        assert.throws(() => parseArgs(["--stack", "prod", "--fail-on", "widen"]), /--fail-on needs --base/);
        assert.throws(() => parseArgs(["--stack", "prod", "--base", "HEAD", "--format", "mermaid"]), /--base takes --format text or markdown/);
    });

    it("takes a value joined with '=' or as the next argument, and refuses a flag without one", () => {
        const a = parseArgs(["--stack=prod", "--base", "HEAD", "--format=markdown"]);
        assert.deepEqual([a.stack, a.base, a.format], ["prod", "HEAD", "markdown"]);
        assert.throws(
            () => parseArgs(["--stack"]),
            (e: Error) => e instanceof UsageError && /--stack needs a value/.test(e.message),
        );
        assert.throws(() => parseArgs(["--stack", "--base", "HEAD"]), /--stack needs a value/);
    });

    it("reads a saved plan and says what is wrong with one that is not", () => {
        const t = tempDir("change-saved-");
        try {
            const file = path.join(t.dir, "plan.json");
            fs.writeFileSync(file, JSON.stringify({ project: "lz", stack: "prod", resources: [{ urn: "u", type: "t", name: "n" }], violations: [] }));
            assert.throws(
                () => readSavedPlan(file),
                (e: Error) => e instanceof SavedPlanError && /resources\[0\] needs urn, type, name, inputs and dependencies/.test(e.message),
            );
            fs.writeFileSync(file, JSON.stringify({ project: "lz", stack: "prod", resources: [], violations: [] }));
            assert.equal(readSavedPlan(file).stack, "prod");
            assert.throws(() => readSavedPlan(path.join(t.dir, "missing.json")), /cannot read the base plan/);
        } finally {
            t.remove();
        }
    });
});

describe("change review: the base as a git ref", () => {
    let t: { dir: string; remove(): void };
    let repo: string;
    before(() => {
        t = tempDir("change-git-");
        repo = path.join(t.dir, "repo");
        fs.mkdirSync(path.join(repo, "node_modules", "some-package"), { recursive: true });
        fs.mkdirSync(path.join(repo, "project"));
        fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
        fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name: "x", version: "1.0.0" }));
        fs.writeFileSync(path.join(repo, "package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/a": { version: "1.0.0" } } }));
        fs.writeFileSync(path.join(repo, "project", "Pulumi.yaml"), "name: x\nruntime: nodejs\n");
        git(t.dir, "init", "-q", "repo");
        git(repo, "add", "-A");
        git(repo, "commit", "-qm", "first");
    });
    after(() => t.remove());

    it("links this checkout's node_modules when the lock file is the same, and removes the worktree after", () => {
        const b = checkoutBase(path.join(repo, "project"), "HEAD");
        try {
            assert.equal(b.commit, git(repo, "rev-parse", "HEAD"));
            assert.equal(b.dependencies, "linked");
            const link = path.join(b.projectDir, "..", "node_modules");
            assert.equal(fs.realpathSync(link), fs.realpathSync(path.join(repo, "node_modules")));
            assert.ok(fs.existsSync(path.join(b.projectDir, "Pulumi.yaml")));
            assert.equal(b.mapPath(path.join(repo, "project", "Pulumi.yaml")), path.join(b.projectDir, "Pulumi.yaml"));
            assert.equal(b.mapPath(path.join(repo, "project", "new-file.ts")), null, "absent at the base");
            assert.equal(b.mapPath("/elsewhere/pack"), "/elsewhere/pack", "outside the repository: as is");
            assert.equal(worktrees(repo), 2);
        } finally {
            b.remove();
        }
        assert.equal(worktrees(repo), 1);
    });

    it("runs npm ci in the worktree when the base's lock file differs", () => {
        fs.writeFileSync(path.join(repo, "package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/a": { version: "2.0.0" } } }));
        git(repo, "commit", "-qam", "bump a");
        const calls: { cmd: string; args: string[]; cwd: string }[] = [];
        const run: Runner = (cmd, args, cwd) => {
            if (cmd !== "npm") return runCommand(cmd, args, cwd);
            calls.push({ cmd, args, cwd });
            return { status: 0, stdout: "", stderr: "" };
        };
        const b = checkoutBase(path.join(repo, "project"), "HEAD~1", { run });
        try {
            assert.equal(b.dependencies, "installed");
            assert.deepEqual(
                calls.map((c) => [c.args[0], fs.realpathSync(c.cwd)]),
                [["ci", fs.realpathSync(path.join(b.projectDir, ".."))]],
            );
            assert.ok(!fs.existsSync(path.join(b.projectDir, "..", "node_modules")), "nothing linked");
        } finally {
            b.remove();
        }
        assert.equal(worktrees(repo), 1);
    });

    it("names a ref it cannot find, and how a shallow clone gets it", () => {
        assert.throws(
            () => checkoutBase(path.join(repo, "project"), "no-such-ref"),
            (e: Error) => e instanceof BaseError && /no such commit.*fetch-depth/.test(e.message),
        );
        assert.equal(worktrees(repo), 1);
    });
});

describe("change review: end to end", function () {
    this.timeout(600_000);

    it("a git-ref base and a saved-plan base give the same comparison; --fail-on fails the run", async () => {
        const t = tempDir("change-e2e-");
        try {
            // A copy of this project in a repository of its own, dependencies shared through a link.
            const repo = path.join(t.dir, "repo");
            fs.mkdirSync(repo);
            for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "index.ts", "tsconfig.json", "package.json", "package-lock.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
            for (const d of ["components", "policypack"]) fs.cpSync(path.join(ROOT, d), path.join(repo, d), { recursive: true, filter: (src) => !src.includes("node_modules") });
            fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
            fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
            git(repo, "init", "-q");
            git(repo, "add", "-A");
            git(repo, "commit", "-qm", "base");
            const common = ["--stack", "dev", "--dir", repo, "--policy-pack", path.join(repo, "policypack")];

            const saved = path.join(t.dir, "base-plan.json");
            const plan = await runCliHere([...common, "--json", saved]);
            assert.equal(plan.status, 0, plan.stderr);

            // The change: a new developer, and a lower production budget.
            const stackFile = path.join(repo, "Pulumi.dev.yaml");
            const settings = YAML.parse(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, any> };
            settings.config["landing-zone:users"].grace = { teams: ["developers"] };
            settings.config["landing-zone:budgets"].monthlyLimits.prod = 400;
            fs.writeFileSync(stackFile, YAML.stringify(settings));

            const fromGit = path.join(t.dir, "from-git.json");
            const planMd = path.join(t.dir, "plan.md");
            const a = await runCliHere([...common, "--base", "HEAD", "--format", "markdown", "--json", fromGit, "--plan-markdown", planMd]);
            assert.equal(a.status, 0, a.stderr);
            assert.equal(a.stdout.split("\n")[0], "**Change review, `dev`: widens access: 1 change; weakens guardrails: 0; dangerous operations: 0**");
            assert.match(fs.readFileSync(planMd, "utf8"), /^### Offline plan: `landing-zone` \/ `dev`/);
            assert.equal(worktrees(repo), 1, "the base worktree is removed");

            const fromFile = path.join(t.dir, "from-file.json");
            const b = await runCliHere([...common, "--base", saved, "--json", fromFile, "--fail-on", "widen,weaken"]);
            assert.equal(b.status, EXIT_FAIL_ON, b.stdout + b.stderr);
            assert.match(b.stderr, /--fail-on widen: 1 widening access change/);
            assert.match(b.stdout, /^Change review \(dev\): widens access: 1 change; weakens guardrails: 0; dangerous operations: 0$/m);

            const viaGit = JSON.parse(fs.readFileSync(fromGit, "utf8")) as Comparison;
            const viaFile = JSON.parse(fs.readFileSync(fromFile, "utf8")) as Comparison;
            assert.deepEqual(viaGit.base, { source: "git", ref: "HEAD", commit: git(repo, "rev-parse", "HEAD"), project: "landing-zone", stack: "dev", resources: viaFile.base.resources });
            assert.equal(viaFile.base.source, "file");
            assert.deepEqual({ ...viaGit, base: null }, { ...viaFile, base: null });
            // What the change is, seen from both.
            assert.deepEqual(
                viaGit.access.filter((x) => x.widens).map((x) => x.kind === "person" && [x.user, x.change, x.groupsAdded]),
                [["grace", "joined", ["lz-all-users", "lz-developers"]]],
            );
            assert.deepEqual(
                viaGit.guardrails.map((g) => g.kind === "budget" && [g.budget, g.change]),
                [["app1-prod-monthly", "lowered"]],
            );
        } finally {
            t.remove();
        }
    });
});

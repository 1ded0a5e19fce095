/**
 * The delivery workflows: schema-valid, every action input real, and the safety properties
 * the platform team relies on (forks get no credentials, prod after dev behind an
 * environment, one update per stack at a time, the policy pack on every preview and update).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse } from "yaml";
import { MARKDOWN_LIMIT } from "../../tools/change/render";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows: Record<string, any> = Object.fromEntries(files.map((f) => [f, parse(fs.readFileSync(path.join(DIR, f), "utf8"))]));
const published: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(__dirname, "action-inputs.json"), "utf8"));
const shippedStacks = fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();

/** The stacks deploy.yml updates: the stacks that exist in the backend (previewed and reviewed live). */
const deployedStacks = Object.values<any>(workflows["deploy.yml"].jobs)
    .flatMap((j) => (j.steps ?? []).filter((s: any) => String(s.uses ?? "").startsWith("pulumi/actions@") && s.with?.command === "up").map((s: any) => String(s.with["stack-name"])))
    .sort();

function steps(): { file: string; job: string; step: any }[] {
    return Object.entries(workflows).flatMap(([file, wf]) => Object.entries<any>(wf.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step: any) => ({ file, job, step }))));
}

function pulumiSteps(wf: any, job: string): any[] {
    return wf.jobs[job].steps.filter((s: any) => String(s.uses ?? "").startsWith("pulumi/actions@") && s.with?.command);
}

describe("workflows", () => {
    it("ships the pull-request, change-review, deploy, policy-pack and estate-review workflows", () => {
        assert.deepEqual(files.sort(), ["change-review.yml", "deploy.yml", "policy-pack.yml", "pull-request.yml", "review.yml"]);
    });

    for (const f of files) {
        it(`${f} passes the workflow schema validator`, () => {
            const bin = path.join(ROOT, "node_modules", "@action-validator", "cli", "cli.mjs");
            const r = spawnSync(process.execPath, [bin, path.join(DIR, f)], { encoding: "utf8" });
            assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        });
    }

    it("uses only inputs that each pinned action publishes", () => {
        for (const { file, job, step } of steps()) {
            if (!step.uses) continue;
            const inputs = published[step.uses];
            assert.ok(inputs, `${file} ${job}: ${step.uses} is not in the published-inputs catalogue`);
            for (const key of Object.keys(step.with ?? {})) {
                assert.ok(inputs.includes(key), `${file} ${job}: ${step.uses} has no input '${key}'`);
            }
        }
    });

    it("runs Node.js from .nvmrc, a line package.json supports; pull requests test every supported line", () => {
        const pinned = Number(fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim());
        const engines: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node;
        const minimum = Number(/^>=(\d+)$/.exec(engines)?.[1]);
        assert.ok(minimum && pinned >= minimum, `.nvmrc ${pinned} within engines ${engines}`);
        const matrix: number[] = workflows["pull-request.yml"].jobs.test.strategy.matrix.node;
        // The current LTS lines from the minimum up, the pinned one among them.
        assert.deepEqual(matrix, [22, 24]);
        assert.equal(minimum, matrix[0]);
        assert.ok(matrix.includes(pinned));
        for (const { file, job, step } of steps()) {
            if (!String(step.uses ?? "").startsWith("actions/setup-node@")) continue;
            if (file === "pull-request.yml" && job === "test") {
                assert.equal(step.with?.["node-version"], "${{ matrix.node }}");
                continue;
            }
            assert.equal(step.with?.["node-version-file"], ".nvmrc", `${file} ${job}`);
            assert.equal(step.with?.["node-version"], undefined, `${file} ${job}: one source of the version`);
        }
    });

    it("pull requests run the tests and the offline plan of every shipped stack, with no credentials", () => {
        const wf = workflows["pull-request.yml"];
        assert.ok(wf.jobs.test.steps.some((s: any) => s.run === "npm test"));
        assert.deepEqual([...wf.jobs["offline-plan"].strategy.matrix.stack].sort(), shippedStacks);
        const plan = wf.jobs["offline-plan"].steps.find((s: any) => /npm run --silent plan/.test(s.run ?? ""));
        assert.match(plan.run, /--format markdown/);
        assert.match(plan.run, /GITHUB_STEP_SUMMARY/);
        assert.equal(wf.jobs["offline-plan"].permissions, undefined, "inherits read-only contents permission");
        assert.deepEqual(wf.permissions, { contents: "read" });
    });

    it("pull requests review each stack's change against the base commit: summary with the full plan, comment text in an artifact", () => {
        const job = workflows["pull-request.yml"].jobs["offline-plan"];
        const checkout = job.steps.find((s: any) => String(s.uses).startsWith("actions/checkout@"));
        assert.equal(checkout.with["fetch-depth"], 2, "the merge commit's first parent is the base commit");
        const step = job.steps.find((s: any) => /npm run --silent plan/.test(s.run ?? ""));
        assert.match(step.run, /--stack "\$STACK" --base HEAD\^1 --format markdown/);
        assert.match(step.run, /--json change-review\/comparison\.json --plan-markdown plan\.md \$\{FAIL_ON:\+--fail-on "\$FAIL_ON"\} > change-review\/comment\.md/);
        assert.match(step.run, /\{ cat change-review\/comment\.md; echo; cat plan\.md 2>\/dev\/null; \} >> "\$GITHUB_STEP_SUMMARY"/);
        assert.match(step.run, /echo "\$PR_NUMBER" > change-review\/pr-number/);
        assert.match(step.run, /exit \$status$/m);
        assert.deepEqual(step.env, { STACK: "${{ matrix.stack }}", PR_NUMBER: "${{ github.event.pull_request.number }}", FAIL_ON: "${{ vars.CHANGE_REVIEW_FAIL_ON }}" });
        const upload = job.steps.find((s: any) => String(s.uses).startsWith("actions/upload-artifact@"));
        assert.ok(job.steps.indexOf(upload) > job.steps.indexOf(step));
        assert.equal(upload.if, "always()", "a failing plan still reports");
        assert.deepEqual([upload.with.name, upload.with.path], ["change-review-${{ matrix.stack }}", "change-review/"]);
    });

    it("posts the change review as one comment per stack, updated in place, from the base repository's context (forks too)", () => {
        const wf = workflows["change-review.yml"];
        assert.deepEqual(wf.on, { workflow_run: { workflows: [workflows["pull-request.yml"].name], types: ["completed"] } });
        assert.deepEqual(wf.permissions, {});
        const job = wf.jobs.comment;
        assert.match(job.if, /workflow_run\.event == 'pull_request'/);
        assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
        assert.ok(!job.steps.some((s: any) => String(s.uses ?? "").startsWith("actions/checkout@")), "no code of the pull request is checked out");
        const download = job.steps.find((s: any) => String(s.uses).startsWith("actions/download-artifact@"));
        assert.deepEqual(download.with, { pattern: "change-review-*", path: "change-review", "run-id": "${{ github.event.workflow_run.id }}", "github-token": "${{ github.token }}" });
        const post = job.steps.find((s: any) => /gh api/.test(s.run ?? ""));
        assert.equal(post.env.HEAD_SHA, "${{ github.event.workflow_run.head_sha }}");
        assert.match(post.run, /case "\$number" in \*\[!0-9\]\*/, "the number from the artifact is a number");
        assert.match(post.run, /if \[ "\$pr_head" != "\$HEAD_SHA" \]/, "and names a pull request at the planned commit");
        assert.match(post.run, /marker="<!-- change-review:\$stack -->"/);
        assert.match(post.run, /gh api --method PATCH "repos\/\$REPO\/issues\/comments\/\$id" -F body=@body\.md/, "updated in place");
        assert.match(post.run, /gh api --method POST "repos\/\$REPO\/issues\/\$number\/comments" -F body=@body\.md/);
        assert.match(post.run, /head -c (\d+)/);
        assert.ok(Number(/head -c (\d+)/.exec(post.run)![1]) >= MARKDOWN_LIMIT, "the workflow never cuts a review the renderer kept");
    });

    describe("the comment script, run as GitHub runs it, with a stand-in gh", function () {
        const script = workflows["change-review.yml"].jobs.comment.steps.find((s: any) => /gh api/.test(s.run ?? "")).run as string;
        let dir: string;
        const HEAD = "abc123";
        // Answers like the GitHub API (filtered with the real jq), records what was sent.
        const FAKE_GH = `#!/usr/bin/env bash
echo "$*" >> "$GH_LOG"
jqf=""; prev=""
for a in "$@"; do [ "$prev" = "--jq" ] && jqf="$a"; prev="$a"; done
case "$*" in
  *"--method PATCH"*|*"--method POST"*) for a in "$@"; do case "$a" in body=@*) cp "\${a#body=@}" "$GH_BODY" ;; esac; done ;;
  *"/pulls/"*) printf '{"head":{"sha":"%s"}}' "$FAKE_HEAD" | jq -r "$jqf" ;;
  *"/comments"*) jq -r "$jqf" "$FAKE_COMMENTS" ;;
esac
`;
        before(function () {
            if (spawnSync("jq", ["--version"]).status !== 0) this.skip();
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "change-review-comment-"));
            fs.mkdirSync(path.join(dir, "bin"));
            fs.writeFileSync(path.join(dir, "bin", "gh"), FAKE_GH, { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "step.sh"), script);
        });
        after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

        function post(artifacts: Record<string, { stack: string; number: string; comment: string }>, comments: object[], prHead = HEAD) {
            const work = fs.mkdtempSync(path.join(dir, "run-"));
            for (const [name, a] of Object.entries(artifacts)) {
                const d = path.join(work, "change-review", name);
                fs.mkdirSync(d, { recursive: true });
                fs.writeFileSync(path.join(d, "stack"), `${a.stack}\n`);
                fs.writeFileSync(path.join(d, "pr-number"), `${a.number}\n`);
                fs.writeFileSync(path.join(d, "comment.md"), a.comment);
            }
            fs.writeFileSync(path.join(work, "comments.json"), JSON.stringify(comments));
            const env = {
                ...process.env,
                PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
                GH_LOG: path.join(work, "gh.log"),
                GH_BODY: path.join(work, "body.sent"),
                FAKE_HEAD: prHead,
                FAKE_COMMENTS: path.join(work, "comments.json"),
                REPO: "example-org/landing-zone",
                HEAD_SHA: HEAD,
                GH_TOKEN: "t",
            };
            const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", path.join(dir, "step.sh")], { cwd: work, env, encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            const log = fs.existsSync(env.GH_LOG) ? fs.readFileSync(env.GH_LOG, "utf8").trim().split("\n") : [];
            return { log, body: fs.existsSync(env.GH_BODY) ? fs.readFileSync(env.GH_BODY, "utf8") : undefined, stdout: r.stdout };
        }

        it("updates the stack's own comment in place", () => {
            const comments = [
                { id: 7, user: { login: "someone" }, body: "<!-- change-review:prod --> quoted by a person" },
                { id: 8, user: { login: "github-actions[bot]" }, body: "<!-- change-review:dev -->\nold dev review" },
                { id: 9, user: { login: "github-actions[bot]" }, body: "<!-- change-review:prod -->\nold prod review" },
            ];
            const r = post({ "change-review-prod": { stack: "prod", number: "42", comment: "**Change review, `prod`: ...**\n" } }, comments);
            assert.equal(r.log.filter((l) => /--method/.test(l)).join("\n"), "api --method PATCH repos/example-org/landing-zone/issues/comments/9 -F body=@body.md");
            assert.equal(r.body, "<!-- change-review:prod -->\n**Change review, `prod`: ...**\n");
        });

        it("adds a comment when the stack has none yet", () => {
            const r = post({ "change-review-dev": { stack: "dev", number: "42", comment: "review" } }, []);
            assert.deepEqual(
                r.log.filter((l) => /--method/.test(l)),
                ["api --method POST repos/example-org/landing-zone/issues/42/comments -F body=@body.md"],
            );
        });

        it("posts nothing for a pull request that moved on, or an artifact that is not what it says", () => {
            assert.deepEqual(
                post({ "change-review-dev": { stack: "dev", number: "42", comment: "review" } }, [], "newer").log.filter((l) => /--method/.test(l)),
                [],
            );
            const odd = post({ "change-review-a": { stack: "dev", number: "42; echo hi", comment: "x" }, "change-review-b": { stack: "../dev", number: "42", comment: "x" } }, []);
            assert.deepEqual(odd.log, [], "no API call at all");
            assert.match(odd.stdout, /unexpected pull request number/);
            assert.match(odd.stdout, /unexpected stack name/);
            assert.deepEqual(post({ "change-review-dev": { stack: "dev", number: "42", comment: "" } }, []).log, [], "an empty review is not posted");
        });
    });

    it("previews with the policy pack and its per-stack config, and never for forks", () => {
        const job = workflows["pull-request.yml"].jobs.preview;
        assert.match(job.if, /head\.repo\.full_name == github\.repository/);
        assert.equal(job.permissions["id-token"], "write");
        const [preview] = pulumiSteps(workflows["pull-request.yml"], "preview");
        assert.equal(preview.with.command, "preview");
        assert.equal(preview.with.policyPacks, "policypack");
        assert.equal(preview.with.policyPackConfigs, "policypack/config/${{ matrix.stack }}.json");
        assert.equal(preview.with["comment-on-pr"], true);
        assert.deepEqual([...job.strategy.matrix.stack].sort(), deployedStacks);
    });

    it("previews and reviews live every deployed stack; a shipped stack that is not deployed is an alternative the docs name", () => {
        assert.deepEqual(deployedStacks, ["dev", "prod"]);
        for (const s of deployedStacks) assert.ok(shippedStacks.includes(s), `deploy.yml updates ${s}, which has no Pulumi.${s}.yaml`);
        const docs = [path.join(ROOT, "README.md"), ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => path.join(ROOT, "docs", f))].map((f) => fs.readFileSync(f, "utf8")).join("\n");
        for (const s of shippedStacks.filter((x) => !deployedStacks.includes(x))) {
            assert.ok(docs.includes(`Pulumi.${s}.yaml`), `Pulumi.${s}.yaml is planned offline but not deployed: the docs must say what it is for`);
        }
    });

    it("every stack has the policy-pack config file the workflows pass", () => {
        for (const stack of shippedStacks) {
            assert.ok(fs.existsSync(path.join(ROOT, "policypack", "config", `${stack}.json`)), `policypack/config/${stack}.json`);
        }
    });

    it("deploys dev, then prod behind the production environment, one update per stack at a time", () => {
        const wf = workflows["deploy.yml"];
        assert.deepEqual(wf.on.push.branches, ["main"]);
        assert.deepEqual(wf.jobs["up-prod"].needs, ["up-dev"]);
        assert.equal(wf.jobs["up-prod"].environment, "production");
        for (const [job, stack] of [
            ["up-dev", "dev"],
            ["up-prod", "prod"],
        ]) {
            const j = wf.jobs[job];
            assert.equal(j.concurrency.group, `pulumi-up-${stack}`);
            assert.equal(j.concurrency["cancel-in-progress"], false, "a running update is never cancelled");
            const [up] = pulumiSteps(wf, job);
            assert.equal(up.with.command, "up");
            assert.equal(up.with["stack-name"], stack);
            assert.equal(up.with.policyPacks, "policypack");
            assert.equal(up.with.policyPackConfigs, `policypack/config/${stack}.json`);
        }
    });

    it("publishes the policy pack only on its tags, after its tests", () => {
        const wf = workflows["policy-pack.yml"];
        assert.deepEqual(wf.on.push.tags, ["policypack-v*"]);
        assert.match(wf.jobs.publish.if, /refs\/tags\/policypack-v/);
        assert.deepEqual(wf.jobs.publish.needs, ["test"]);
        assert.ok(wf.jobs.publish.steps.some((s: any) => /pulumi policy publish/.test(s.run ?? "")));
    });

    it("reviews every deployed stack weekly and on demand, read-only with OIDC, into one issue per stack and an artifact", () => {
        const wf = workflows["review.yml"];
        assert.ok(wf.on.schedule.length === 1 && /^\d+ \d+ \* \* [0-6]$/.test(wf.on.schedule[0].cron), "weekly cron");
        assert.ok("workflow_dispatch" in wf.on);
        assert.deepEqual(wf.permissions, { contents: "read" });
        const job = wf.jobs.review;
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", issues: "write" });
        assert.deepEqual([...job.strategy.matrix.stack].sort(), deployedStacks);
        assert.equal(job.concurrency["cancel-in-progress"], false);
        const creds = job.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(creds.with["role-to-assume"], "${{ vars.AWS_REVIEW_ROLE_ARN }}");
        assert.ok(!Object.keys(creds.with).some((k) => k.startsWith("aws-access-key") || k === "aws-secret-access-key"), "no stored keys");
        const review = job.steps.find((s: any) => /npm run --silent review/.test(s.run ?? ""));
        assert.match(review.run, /--stack \$\{\{ matrix\.stack \}\} --live --save-snapshot review\/snapshot/);
        assert.match(review.run, /--format markdown --json review\/findings\.json > review\/report\.md/);
        assert.match(review.run, /test "\$status" -le 1/, "exit 1 (findings) still reports; exit 2 fails the job");
        const upload = job.steps.find((s: any) => String(s.uses).startsWith("actions/upload-artifact@"));
        assert.equal(upload.if, "always()");
        assert.equal(upload.with.path, "review/");
        const issue = job.steps.find((s: any) => /gh issue/.test(s.run ?? ""));
        assert.ok(job.steps.indexOf(issue) > job.steps.indexOf(review));
        assert.match(issue.run, /gh issue edit "\$number" --body-file review\/issue\.md/);
        assert.match(issue.run, /gh issue create --title "\$title" --label estate-review/);
        assert.equal(issue.env.GH_TOKEN, "${{ github.token }}");
    });
});

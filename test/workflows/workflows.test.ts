/**
 * The delivery workflows: schema-valid, every action input real, and the safety properties
 * the platform team relies on (forks get no credentials, prod after dev behind an
 * environment, one update per stack at a time, the policy pack on every preview and update).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse } from "yaml";

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

function steps(): { file: string; job: string; step: any }[] {
    return Object.entries(workflows).flatMap(([file, wf]) =>
        Object.entries<any>(wf.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step: any) => ({ file, job, step }))),
    );
}

function pulumiSteps(wf: any, job: string): any[] {
    return wf.jobs[job].steps.filter((s: any) => String(s.uses ?? "").startsWith("pulumi/actions@") && s.with?.command);
}

describe("workflows", () => {
    it("ships the pull-request, deploy, policy-pack and estate-review workflows", () => {
        assert.deepEqual(files.sort(), ["deploy.yml", "policy-pack.yml", "pull-request.yml", "review.yml"]);
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

    it("previews with the policy pack and its per-stack config, and never for forks", () => {
        const job = workflows["pull-request.yml"].jobs.preview;
        assert.match(job.if, /head\.repo\.full_name == github\.repository/);
        assert.equal(job.permissions["id-token"], "write");
        const [preview] = pulumiSteps(workflows["pull-request.yml"], "preview");
        assert.equal(preview.with.command, "preview");
        assert.equal(preview.with.policyPacks, "policypack");
        assert.equal(preview.with.policyPackConfigs, "policypack/config/${{ matrix.stack }}.json");
        assert.equal(preview.with["comment-on-pr"], true);
        assert.deepEqual([...job.strategy.matrix.stack].sort(), shippedStacks);
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
        for (const [job, stack] of [["up-dev", "dev"], ["up-prod", "prod"]]) {
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

    it("reviews every shipped stack weekly and on demand, read-only with OIDC, into one issue per stack and an artifact", () => {
        const wf = workflows["review.yml"];
        assert.ok(wf.on.schedule.length === 1 && /^\d+ \d+ \* \* [0-6]$/.test(wf.on.schedule[0].cron), "weekly cron");
        assert.ok("workflow_dispatch" in wf.on);
        assert.deepEqual(wf.permissions, { contents: "read" });
        const job = wf.jobs.review;
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", issues: "write" });
        assert.deepEqual([...job.strategy.matrix.stack].sort(), shippedStacks);
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

// npm run bench:review -- [--accounts 500] [--users 5000] [--keep <dir>]
// Times an offline review of a generated estate: a stack of N accounts and its live estate as
// `pulumi up` leaves it, plus drift (undeclared users, instances), saved as a snapshot and then
// reviewed as `npm run review -- --snapshot` does (plan, load, compare, render).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { review } from "./compare";
import { credentialRow, declaredEstate, runningInstances } from "./synthetic";
import { declaredFromConfig } from "./declared";
import { formatCredentialReport, parseCredentialReport } from "./credential-report";
import { renderMarkdown, renderText, toJson } from "./render";
import { loadSnapshot, saveSnapshot } from "./snapshot";

const TEAMS = ["developers", "qe", "product-managers", "solutions-architects", "operators", "auditors"];
const ENVS = ["dev", "test", "staging", "prod"];
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1"];
const COLLECTED_AT = "2025-06-02T06:00:00.000Z";

function arg(name: string, dflt: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1]! : dflt;
}

export function generatedConfig(accounts: number, users: number): Record<string, unknown> {
    const accts: Record<string, unknown> = {};
    for (let i = 0; i < accounts; i++) {
        const env = ENVS[i % ENVS.length];
        const key = `${env}-${String(i).padStart(4, "0")}`;
        accts[key] = { name: `app-${key}`, email: `aws+${key}@example.com`, ou: env === "prod" ? "prod" : "nonprod", environments: [env] };
    }
    const people: Record<string, unknown> = {};
    for (let i = 0; i < users; i++) people[`user${String(i).padStart(5, "0")}`] = { teams: [TEAMS[i % TEAMS.length], ...(i % 7 === 0 ? [TEAMS[(i + 1) % TEAMS.length]] : [])] };
    return {
        layout: "multi-account",
        organizationalUnits: { nonprod: { name: "NonProd", environmentClass: "non-production" }, prod: { name: "Prod", environmentClass: "production" } },
        accounts: accts,
        users: people,
        guardrails: { allowedRegions: REGIONS, attachments: { root: ["protect-platform-roles"] } },
        budgets: { alertEmails: ["finops@example.com"] },
    };
}

async function main() {
    const nAccounts = Number(arg("accounts", "500"));
    const nUsers = Number(arg("users", "5000"));
    const undeclared = Math.round(nUsers / 50);
    const t0 = performance.now();
    const raw = generatedConfig(nAccounts, nUsers - undeclared);
    const declared = declaredFromConfig("bench", raw);
    const ids = {
        organizationId: "o-bench00001",
        rootId: "r-ben1",
        managementAccountId: "100000000000",
        managementEmail: "aws+management@example.com",
        accounts: Object.fromEntries(declared.plan.accounts.map((a, i) => [a.key, String(200000000000 + i)])),
        organizationalUnits: { nonprod: "ou-ben1-00000001", prod: "ou-ben1-00000002" },
    };
    const s = declaredEstate(declared, { stack: "bench", ids, collectedAt: COLLECTED_AT, regions: REGIONS });
    // Drift: users nobody declared, spread over the member accounts; running instances everywhere.
    const members = declared.plan.accounts.map((a) => ids.accounts[a.key]);
    for (let i = 0; i < undeclared; i++) {
        const id = members[i % members.length];
        const a = s.accounts[id];
        const name = `stray${i}`;
        a.authorizationDetails!.UserDetailList!.push({
            Path: "/",
            UserName: name,
            UserId: `AIDASTRAY${String(i).padStart(11, "0")}`,
            Arn: `arn:aws:iam::${id}:user/${name}`,
            CreateDate: "2024-01-01T00:00:00+00:00",
            UserPolicyList: [],
            GroupList: [],
            AttachedManagedPolicies: [],
            Tags: [],
        });
        a.credentialReport = formatCredentialReport([
            ...parseCredentialReport(a.credentialReport!),
            credentialRow(name, `arn:aws:iam::${id}:user/${name}`, "2024-01-01T00:00:00+00:00", { access_key_1_active: "true", access_key_1_last_rotated: "2024-01-01T00:00:00+00:00" }),
        ]);
    }
    members.forEach((id, i) => {
        for (const region of REGIONS)
            s.accounts[id].instances[region].Reservations!.push(
                runningInstances({ accountId: id, region, type: i % 10 === 0 ? "c5d.24xlarge" : "t3.medium", count: 5, launched: COLLECTED_AT, firstId: i * 10 + REGIONS.indexOf(region) }),
            );
    });
    const dir = arg("keep", "") || fs.mkdtempSync(path.join(os.tmpdir(), "review-bench-"));
    saveSnapshot(s, dir);
    const users = Object.values(s.accounts).reduce((n, a) => n + (a.authorizationDetails?.UserDetailList?.length ?? 0), 0);
    const generated = performance.now() - t0;

    // What `npm run review -- --snapshot <dir>` does after start-up.
    const t1 = performance.now();
    const d = declaredFromConfig("bench", raw);
    const t2 = performance.now();
    const loaded = loadSnapshot(dir);
    const t3 = performance.now();
    const findings = review(loaded, d);
    const t4 = performance.now();
    const result = { stack: "bench", manifest: loaded.manifest, findings };
    const text = renderText(result);
    renderMarkdown(result);
    JSON.stringify(toJson(result));
    const t5 = performance.now();
    const ms = (x: number) => Math.round(x);
    console.log(
        `estate: ${Object.keys(s.accounts).length} accounts read, ${users} IAM users, ${declared.access.roles.length + declared.reviewRoles.length} declared roles, ${REGIONS.length} regions; generated and saved in ${ms(generated)} ms (${dir})`,
    );
    console.log(
        `review: plan ${ms(t2 - t1)} ms, load snapshot ${ms(t3 - t2)} ms, compare ${ms(t4 - t3)} ms, render ${ms(t5 - t4)} ms; total ${ms(t5 - t1)} ms; ${findings.length} findings (${text.length} characters of text)`,
    );
    if (!arg("keep", "")) fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exitCode = 1;
    });
}

/**
 * Snapshots on disk: what was collected, as JSON files in the shapes the AWS APIs return (one
 * merged response per request), the credential report as its CSV, one folder per account, and a
 * manifest. Layout:
 *
 *   manifest.json
 *   organization/describe-organization.json            DescribeOrganization
 *   organization/list-roots.json                       ListRoots
 *   organization/list-organizational-units-for-parent/<parent-id>.json
 *   organization/list-accounts-for-parent/<parent-id>.json
 *   organization/list-policies/<policy-type>.json
 *   organization/describe-policy/<policy-id>.json
 *   organization/list-targets-for-policy/<policy-id>.json
 *   accounts/<account-id>/get-account-authorization-details.json
 *   accounts/<account-id>/credential-report.csv
 *   accounts/<account-id>/describe-instances/<region>.json
 *   accounts/<account-id>/describe-budgets.json         (management account)
 */
import * as fs from "fs";
import * as path from "path";
import type { AccountSnapshot, Manifest, OrganizationSnapshot, Snapshot } from "./types";

const ORG_FILES = {
    describeOrganization: "describe-organization.json",
    listRoots: "list-roots.json",
} as const;

const ORG_DIRS = {
    listOrganizationalUnitsForParent: "list-organizational-units-for-parent",
    listAccountsForParent: "list-accounts-for-parent",
    listPolicies: "list-policies",
    describePolicy: "describe-policy",
    listTargetsForPolicy: "list-targets-for-policy",
} as const;

const ACCOUNT_FILES = {
    authorizationDetails: "get-account-authorization-details.json",
    credentialReport: "credential-report.csv",
    budgets: "describe-budgets.json",
    instances: "describe-instances",
} as const;

/** File names come from AWS IDs and region codes; anything else is refused rather than written outside the folder. */
function safeName(name: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith(".")) throw new Error(`cannot use '${name}' as a snapshot file name`);
    return name;
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

export class SnapshotError extends Error {}

export function saveSnapshot(s: Snapshot, dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    if (s.organization) {
        const org = path.join(dir, "organization");
        fs.mkdirSync(org, { recursive: true });
        for (const [k, file] of Object.entries(ORG_FILES)) fs.writeFileSync(path.join(org, file), json(s.organization[k as keyof typeof ORG_FILES]));
        for (const [k, sub] of Object.entries(ORG_DIRS)) {
            const d = path.join(org, sub);
            fs.mkdirSync(d, { recursive: true });
            for (const [id, v] of Object.entries(s.organization[k as keyof typeof ORG_DIRS])) fs.writeFileSync(path.join(d, `${safeName(id)}.json`), json(v));
        }
    }
    for (const [id, a] of Object.entries(s.accounts)) {
        const d = path.join(dir, "accounts", safeName(id));
        fs.mkdirSync(d, { recursive: true });
        if (a.authorizationDetails) fs.writeFileSync(path.join(d, ACCOUNT_FILES.authorizationDetails), json(a.authorizationDetails));
        if (a.credentialReport !== undefined) fs.writeFileSync(path.join(d, ACCOUNT_FILES.credentialReport), a.credentialReport);
        if (a.budgets) fs.writeFileSync(path.join(d, ACCOUNT_FILES.budgets), json(a.budgets));
        const regions = Object.entries(a.instances);
        if (regions.length) {
            fs.mkdirSync(path.join(d, ACCOUNT_FILES.instances), { recursive: true });
            for (const [region, v] of regions) fs.writeFileSync(path.join(d, ACCOUNT_FILES.instances, `${safeName(region)}.json`), json(v));
        }
    }
    // The manifest last: a folder with a manifest is a complete snapshot.
    fs.writeFileSync(path.join(dir, "manifest.json"), json(s.manifest));
}

function readJson(file: string): unknown {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new SnapshotError(`${file}: ${(e as Error).message}`);
    }
}

function readDir(dir: string): Record<string, unknown> {
    if (!fs.existsSync(dir)) return {};
    return Object.fromEntries(
        fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".json"))
            .sort()
            .map((f) => [f.slice(0, -5), readJson(path.join(dir, f))]),
    );
}

export function loadSnapshot(dir: string): Snapshot {
    const manifestFile = path.join(dir, "manifest.json");
    if (!fs.existsSync(manifestFile)) throw new SnapshotError(`${dir} is not a review snapshot (no manifest.json)`);
    const manifest = readJson(manifestFile) as Manifest;
    if (manifest.format !== 1 || manifest.tool !== "landing-zone-review") throw new SnapshotError(`${manifestFile}: not a landing-zone-review snapshot of format 1`);

    let organization: OrganizationSnapshot | undefined;
    const org = path.join(dir, "organization");
    if (fs.existsSync(path.join(org, ORG_FILES.listRoots))) {
        organization = {
            describeOrganization: readJson(path.join(org, ORG_FILES.describeOrganization)),
            listRoots: readJson(path.join(org, ORG_FILES.listRoots)),
            ...Object.fromEntries(Object.entries(ORG_DIRS).map(([k, sub]) => [k, readDir(path.join(org, sub))])),
        } as OrganizationSnapshot;
    }

    const accounts: Record<string, AccountSnapshot> = {};
    const accountsDir = path.join(dir, "accounts");
    for (const id of fs.existsSync(accountsDir) ? fs.readdirSync(accountsDir).sort() : []) {
        const d = path.join(accountsDir, id);
        const file = (f: string) => path.join(d, f);
        accounts[id] = {
            ...(fs.existsSync(file(ACCOUNT_FILES.authorizationDetails)) ? { authorizationDetails: readJson(file(ACCOUNT_FILES.authorizationDetails)) as AccountSnapshot["authorizationDetails"] } : {}),
            ...(fs.existsSync(file(ACCOUNT_FILES.credentialReport)) ? { credentialReport: fs.readFileSync(file(ACCOUNT_FILES.credentialReport), "utf8") } : {}),
            ...(fs.existsSync(file(ACCOUNT_FILES.budgets)) ? { budgets: readJson(file(ACCOUNT_FILES.budgets)) as AccountSnapshot["budgets"] } : {}),
            instances: readDir(file(ACCOUNT_FILES.instances)) as AccountSnapshot["instances"],
        };
    }
    return { manifest, organization, accounts };
}

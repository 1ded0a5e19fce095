/**
 * The guardrails plan: landing-zone plan in, plain data out (no Pulumi import, no I/O).
 *
 * For every target (the root, an OU, an account) it decides which guardrails apply, builds their
 * documents, measures them and, where they do not fit the attachment slots, packs them. Tag
 * policies and budgets are planned here too. The registration component (./component.ts) only
 * registers what this returns.
 */
import type { EnvironmentClass } from "../config";
import type { LandingZonePlan } from "../plan";
import { planBudgets, type BudgetPlan } from "./budgets";
import { resolveGuardrailsConfig, type GuardrailsConfig } from "./config";
import { binDocument, MAX_SCPS_PER_TARGET, minify, packStatements, SCP_MAX_CHARACTERS, type PackItem } from "./packing";
import {
    buildGuardrail,
    CATALOGUE_ORDER,
    GUARDRAIL_DESCRIPTIONS,
    roleArnPattern,
    SERVICE_ALLOW_LIST,
    type DocumentGuardrail,
    type GuardrailName,
    type GuardrailParameters,
    type PolicyDocument,
} from "./scp";
import { environmentTagPolicy, TAG_POLICY_MAX_CHARACTERS } from "./tag-policy";
import { buildRcp, RCP_DESCRIPTIONS, RCP_NAMES, type RcpName } from "./rcp";

export type TargetKind = "root" | "organizational-unit" | "account";

/** Prefix of every AWS policy name this program creates. */
export const POLICY_NAME_PREFIX = "landing-zone";

/** Guardrails the baseline attaches (when `guardrails.baseline` is true). */
export const BASELINE = {
    root: ["deny-leave-organization", "deny-root-user", "protect-security-services", "require-imdsv2", "deny-external-sharing"] as GuardrailName[],
    /** Resource control policies, on the root. */
    rootRcps: [...RCP_NAMES] as RcpName[],
    /** On the top-most non-production OUs and accounts; the region allow-list only when regions are set. */
    nonProduction: ["instance-type-allow-list", "region-allow-list"] as GuardrailName[],
    /** On the top-most production OUs and accounts. */
    production: ["deny-iam-users"] as GuardrailName[],
};

export interface ScpDocumentPlan {
    /** Stable within the target: the guardrail's name, or `pack-<first Sid>` for a packed document. */
    key: string;
    logicalName: string;
    /** Logical names under the target's former keys (renamed OU or account): registered as aliases. */
    formerLogicalNames: string[];
    /** AWS policy name. */
    policyName: string;
    description: string;
    guardrails: DocumentGuardrail[];
    sids: string[];
    /** Minified JSON, sent as is. */
    content: string;
    /** Characters of `content`; at most 5,120. */
    size: number;
}

export interface ScpTargetPlan {
    /** `root`, `ou-<key>` or `account-<key>`: used in logical and policy names. */
    key: string;
    kind: TargetKind;
    /** OU or account key; undefined for the root. */
    ref?: string;
    /** For messages: `root`, `OU workloads-nonprod (Workloads/NonProd)`, `account dev`. */
    label: string;
    environmentClass?: EnvironmentClass;
    /** deny-list: FullAWSAccess stays attached. allow-list: an allow-list replaces it. */
    strategy: "deny-list" | "allow-list";
    guardrails: DocumentGuardrail[];
    /** True when the guardrails did not fit one document each and their statements were packed. */
    packed: boolean;
    documents: ScpDocumentPlan[];
    /** SCPs attached directly, FullAWSAccess included (see `fullAwsAccessCounted`): at most 5. */
    attachmentCount: number;
}

export interface TagPolicyPlan {
    targetKey: string;
    kind: Exclude<TargetKind, "root">;
    ref: string;
    environmentClass: EnvironmentClass;
    logicalName: string;
    /** Logical names under the target's former keys: registered as aliases. */
    formerLogicalNames: string[];
    policyName: string;
    allowedValues: string[];
    content: string;
    size: number;
}

/** A resource control policy attached to the root (RESOURCE_CONTROL_POLICY). */
export interface RcpPlan {
    name: RcpName;
    targetKey: "root";
    logicalName: string;
    policyName: string;
    description: string;
    /** Minified JSON, sent as is. */
    content: string;
    /** Characters of `content`; at most 5,120. */
    size: number;
}

export interface GuardrailsPlan {
    /** Role ARN patterns exempt from the guardrails that have an exemption. */
    exemptRoleArns: string[];
    /** Role ARN patterns `protect-platform-roles` protects. */
    protectedRoleArns: string[];
    /** Only targets with at least one document; root first, then OUs (parents first), then accounts. */
    targets: ScpTargetPlan[];
    tagPolicies: TagPolicyPlan[];
    /** Resource control policies (on the root, with the baseline). */
    resourceControlPolicies: RcpPlan[];
    budgets: BudgetPlan[];
}

export interface GuardrailsProblem {
    /** Key path below `landing-zone:`. */
    path: (string | number)[];
    value: unknown;
    message: string;
}

/** The plan, or a ConfigError-like exception if validation was bypassed. */
export function planGuardrails(plan: LandingZonePlan): GuardrailsPlan {
    const { plan: gp, problems } = computeGuardrails(plan);
    if (problems.length) {
        throw new Error(`Invalid guardrails configuration:\n${problems.map((p) => `  - landing-zone:${p.path.join(".")}: ${p.message}`).join("\n")}`);
    }
    return gp;
}

interface Target {
    key: string;
    kind: TargetKind;
    ref?: string;
    label: string;
    environmentClass?: EnvironmentClass;
    /** Where to fix this target's guardrails in config. */
    configPath: (string | number)[];
    /** Target keys before an OU or account rename (`formerKeys`). */
    formerKeys: string[];
    guardrails: Set<DocumentGuardrail>;
}

/** Plans everything and collects every problem (validation reports them as config errors). */
export function computeGuardrails(plan: LandingZonePlan): { plan: GuardrailsPlan; problems: GuardrailsProblem[] } {
    const problems: GuardrailsProblem[] = [];
    const cfg = plan.config;
    const budgets = planBudgets(
        cfg.budgets,
        plan.environments.map((e) => ({
            name: e.name,
            accounts: plan.organization ? e.accounts : [],
            separatedByTags: e.separatedByTags,
        })),
        plan.accounts.filter((a) => a.environments.length === 0).map((a) => ({ key: a.key, environmentTagValue: a.environmentTagValue })),
        plan.environmentTagKey,
        plan.application ?? POLICY_NAME_PREFIX,
        plan.commonTags,
    );
    const empty: GuardrailsPlan = { exemptRoleArns: [], protectedRoleArns: [], targets: [], tagPolicies: [], resourceControlPolicies: [], budgets };
    if (!plan.organization) return { plan: empty, problems };

    const g = resolveGuardrailsConfig(cfg);
    const accessRoleNames = [...new Set(plan.accounts.map((a) => a.roleName))].sort();
    const exemptRoleArns = [...new Set([g.platformRoleName, ...accessRoleNames])].map(roleArnPattern);
    const protectedRoleArns = [
        roleArnPattern(`${g.platformRolePath.slice(1)}*`),
        ...[...new Set([...accessRoleNames, g.platformRoleName])].map(roleArnPattern),
    ];

    // --- Targets and the guardrails on each ---------------------------------------------
    const targets: Target[] = [
        { key: "root", kind: "root", label: "root", configPath: ["guardrails", "attachments", "root"], formerKeys: [], guardrails: new Set() },
        ...plan.organizationalUnits.map((ou): Target => ({
            key: `ou-${ou.key}`,
            kind: "organizational-unit",
            ref: ou.key,
            label: `OU ${ou.key} (${ou.path})`,
            environmentClass: ou.environmentClass,
            configPath: ["guardrails", "attachments", "organizationalUnits", ou.key],
            formerKeys: (ou.formerKeys ?? []).map((k) => `ou-${k}`),
            guardrails: new Set(),
        })),
        ...plan.accounts.map((a): Target => ({
            key: `account-${a.key}`,
            kind: "account",
            ref: a.key,
            label: `account ${a.key}`,
            environmentClass: a.environmentClass,
            configPath: ["guardrails", "attachments", "accounts", a.key],
            formerKeys: (a.formerKeys ?? []).map((k) => `account-${k}`),
            guardrails: new Set(),
        })),
    ];
    const byKey = new Map(targets.map((t) => [t.key, t]));
    const ouTarget = (k: string) => byKey.get(`ou-${k}`);

    const topTargets = topTargetsByClass(plan);
    const securityBaseline = securityBaselineProtection(plan);
    if (g.baseline) {
        BASELINE.root.forEach((n) => byKey.get("root")!.guardrails.add(n));
        for (const key of securityBaseline?.accounts ?? []) byKey.get(`account-${key}`)?.guardrails.add("protect-security-baseline");
        for (const key of topTargets["non-production"]) {
            for (const n of BASELINE.nonProduction) {
                if (n === "region-allow-list" && !g.allowedRegions) continue;
                byKey.get(key)!.guardrails.add(n);
            }
        }
        for (const key of topTargets.production) BASELINE.production.forEach((n) => byKey.get(key)!.guardrails.add(n));
    }
    g.attachments.root.forEach((n) => byKey.get("root")!.guardrails.add(n));
    for (const [k, names] of Object.entries(g.attachments.organizationalUnits)) names.forEach((n) => ouTarget(k)?.guardrails.add(n));
    for (const [k, names] of Object.entries(g.attachments.accounts)) names.forEach((n) => byKey.get(`account-${k}`)?.guardrails.add(n));
    const allowLists = new Map<string, string[]>();
    for (const [k, services] of Object.entries(g.serviceAllowLists)) {
        const t = ouTarget(k);
        if (!t) continue;
        t.guardrails.add(SERVICE_ALLOW_LIST);
        allowLists.set(t.key, services);
    }

    // --- Documents per target --------------------------------------------------------------
    const planned: ScpTargetPlan[] = [];
    for (const t of targets) {
        if (t.guardrails.size === 0) continue;
        const guardrails = CATALOGUE_ORDER.filter((n) => t.guardrails.has(n));
        const params = parametersFor(t, g, exemptRoleArns, protectedRoleArns, allowLists.get(t.key) ?? [], securityBaseline, problems);
        if (!params) continue;
        const result = documentsFor(t, guardrails, params);
        if ("problem" in result) {
            problems.push(result.problem);
            continue;
        }
        planned.push({
            key: t.key,
            kind: t.kind,
            ref: t.ref,
            label: t.label,
            environmentClass: t.environmentClass,
            strategy: allowLists.has(t.key) ? "allow-list" : "deny-list",
            guardrails,
            packed: result.packed,
            documents: result.documents,
            attachmentCount: result.documents.length + FULL_AWS_ACCESS_SLOTS,
        });
    }

    // --- Tag policies ------------------------------------------------------------------------
    const tagPolicies: TagPolicyPlan[] = [];
    if (g.tagPolicies.enabled) {
        for (const cls of ["production", "non-production"] as const) {
            const values = [
                ...plan.environments.filter((e) => e.environmentClass === cls).map((e) => e.name),
                cls === "production" ? plan.productionTagValue : plan.nonProductionTagValue,
            ];
            for (const key of topTargets[cls]) {
                const t = byKey.get(key)!;
                const content = minify(environmentTagPolicy({ tagKey: plan.environmentTagKey, allowedValues: values, enforcedFor: g.tagPolicies.enforcedFor }));
                if (content.length > TAG_POLICY_MAX_CHARACTERS) {
                    problems.push({
                        path: ["guardrails", "tagPolicies", "enforcedFor"],
                        value: content.length,
                        message: `makes the tag policy of ${t.label} ${content.length} characters; AWS allows ${TAG_POLICY_MAX_CHARACTERS}`,
                    });
                    continue;
                }
                tagPolicies.push({
                    targetKey: t.key,
                    kind: t.kind as Exclude<TargetKind, "root">,
                    ref: t.ref!,
                    environmentClass: cls,
                    logicalName: `tag-policy-${t.key}`,
                    formerLogicalNames: t.formerKeys.map((k) => `tag-policy-${k}`),
                    policyName: `${POLICY_NAME_PREFIX}-${t.key}-environment-tag`,
                    allowedValues: [...new Set(values)],
                    content,
                    size: content.length,
                });
            }
        }
    }

    // --- Resource control policies ---------------------------------------------------------
    const resourceControlPolicies: RcpPlan[] = [];
    for (const name of g.baseline ? BASELINE.rootRcps : []) {
        const content = minify(buildRcp(name, { trustedAccountIds: g.trustedExternalAccountIds }));
        if (content.length > SCP_MAX_CHARACTERS) {
            problems.push({
                path: ["guardrails", "trustedExternalAccountIds"],
                value: g.trustedExternalAccountIds.length,
                message: `make the resource control policy ${name} ${content.length} characters; AWS allows ${SCP_MAX_CHARACTERS}: trust fewer accounts`,
            });
            continue;
        }
        resourceControlPolicies.push({
            name,
            targetKey: "root",
            logicalName: `rcp-root-${name}`,
            policyName: `${POLICY_NAME_PREFIX}-root-${name}`,
            description: RCP_DESCRIPTIONS[name],
            content,
            size: content.length,
        });
    }

    return { plan: { exemptRoleArns, protectedRoleArns, targets: planned, tagPolicies, resourceControlPolicies, budgets }, problems };
}

/**
 * FullAWSAccess occupies one of the five slots on every target. On a deny-list target it stays
 * attached for good. On an allow-list target it is detached only after the allow-list is
 * attached (AWS requires at least one SCP on every target at all times), so at attach time it
 * still occupies a slot: counting it there too keeps the attach calls within the limit.
 */
export const FULL_AWS_ACCESS_SLOTS = 1;

/**
 * The top-most targets of each environment class: OUs of that class whose ancestors are not,
 * and accounts of that class with no OU of that class above them. Attaching there covers
 * everything of the class once (SCPs and tag policies are inherited down the tree).
 */
export function topTargetsByClass(plan: LandingZonePlan): Record<EnvironmentClass, string[]> {
    const ous = new Map(plan.organizationalUnits.map((o) => [o.key, o]));
    /** The OU itself and the OUs above it. */
    const chain = (ouKey: string | undefined) => {
        const ou = ouKey === undefined ? undefined : ous.get(ouKey);
        return ou ? [...ou.ancestorKeys, ou.key] : [];
    };
    const out: Record<EnvironmentClass, string[]> = { production: [], "non-production": [] };
    for (const ou of plan.organizationalUnits) {
        if (!ou.environmentClass) continue;
        if (!ou.ancestorKeys.some((k) => ous.get(k)?.environmentClass === ou.environmentClass)) out[ou.environmentClass].push(`ou-${ou.key}`);
    }
    for (const a of plan.accounts) {
        if (!chain(a.ouKey).some((k) => ous.get(k)?.environmentClass === a.environmentClass)) out[a.environmentClass].push(`account-${a.key}`);
    }
    return out;
}

function parametersFor(
    t: Target,
    g: GuardrailsConfig,
    exemptRoleArns: string[],
    protectedRoleArns: string[],
    services: string[],
    securityBaseline: GuardrailParameters["securityBaseline"],
    problems: GuardrailsProblem[],
): GuardrailParameters | undefined {
    if (t.guardrails.has("protect-security-baseline") && !securityBaseline) {
        problems.push({
            path: t.configPath,
            value: "protect-security-baseline",
            message: `attaches protect-security-baseline to ${t.label}, but there is no security baseline to protect: set landing-zone:security (with a log archive)`,
        });
        return undefined;
    }
    let instanceTypes: string[] = [];
    if (t.guardrails.has("instance-type-allow-list")) {
        if (t.environmentClass === "non-production") instanceTypes = g.nonProductionInstanceTypes;
        else if (t.environmentClass === "production" && g.productionInstanceTypes) instanceTypes = g.productionInstanceTypes;
        else {
            problems.push({
                path: t.configPath,
                value: "instance-type-allow-list",
                message:
                    t.environmentClass === "production"
                        ? `attaches instance-type-allow-list to ${t.label}, which is production: set landing-zone:guardrails.productionInstanceTypes`
                        : `attaches instance-type-allow-list to ${t.label}, which has no environment class (the allowed types depend on it); attach it to production or non-production OUs or accounts`,
            });
            return undefined;
        }
    }
    return {
        exemptRoleArns,
        protectedRoleArns,
        allowedRegions: g.allowedRegions ?? [],
        extraGlobalActions: g.extraGlobalActions,
        instanceTypes,
        services,
        securityBaseline,
    };
}

/** What the security baseline deployed and protect-security-baseline protects (the baseline attaches it when there is some). */
function securityBaselineProtection(plan: LandingZonePlan): (NonNullable<GuardrailParameters["securityBaseline"]> & { accounts: string[] }) | undefined {
    // Lazy: ../security/config.ts loads ../guardrails/config.ts, which loads this module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { computeSecurity } = require("../security/plan") as typeof import("../security/plan");
    return computeSecurity(plan).plan?.protection;
}

function documentsFor(
    t: Target,
    guardrails: DocumentGuardrail[],
    params: GuardrailParameters,
): { documents: ScpDocumentPlan[]; packed: boolean } | { problem: GuardrailsProblem } {
    const slots = MAX_SCPS_PER_TARGET - FULL_AWS_ACCESS_SLOTS;
    const docs = guardrails.map((n) => ({ name: n, doc: buildGuardrail(n, params) }));
    const sizes = docs.map((d) => minify(d.doc).length);

    if (docs.length <= slots && sizes.every((s) => s <= SCP_MAX_CHARACTERS)) {
        return { packed: false, documents: docs.map((d) => scpDocument(t, d.name, [d.name], d.doc)) };
    }
    const items: PackItem[] = docs.flatMap((d) => d.doc.Statement.map((statement) => ({ guardrail: d.name, statement })));
    const packed = packStatements(items, slots);
    if (!packed.ok) {
        return {
            problem: {
                path: t.configPath,
                value: Object.fromEntries(docs.map((d, i) => [d.name, sizes[i]])),
                message: `${t.label} cannot hold its guardrails (${docs.map((d, i) => `${d.name} ${sizes[i]} characters`).join(", ")}): ${packed.reason}; remove some guardrails here or attach them higher or lower in the tree`,
            },
        };
    }
    return {
        packed: true,
        documents: packed.bins.map((bin) => {
            const names = CATALOGUE_ORDER.filter((n) => bin.items.some((i) => i.guardrail === n));
            return scpDocument(t, `pack-${kebab(bin.items[0].statement.Sid)}`, names, binDocument(bin));
        }),
    };
}

function scpDocument(t: Target, key: string, guardrails: DocumentGuardrail[], doc: PolicyDocument): ScpDocumentPlan {
    const content = minify(doc);
    const description =
        guardrails.length === 1 ? GUARDRAIL_DESCRIPTIONS[guardrails[0]] : `Landing zone guardrails: ${guardrails.join(", ")}`;
    return {
        key,
        logicalName: `scp-${t.key}-${key}`,
        formerLogicalNames: t.formerKeys.map((k) => `scp-${k}-${key}`),
        policyName: `${POLICY_NAME_PREFIX}-${t.key}-${key}`.slice(0, 128),
        // AWS: policy descriptions are at most 512 characters.
        description: description.slice(0, 512),
        guardrails,
        sids: doc.Statement.map((s) => s.Sid),
        content,
        size: content.length,
    };
}

function kebab(s: string): string {
    return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

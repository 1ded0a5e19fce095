/**
 * The guardrails plan: landing-zone plan in, plain data out (no Pulumi import, no I/O).
 *
 * For every target (the root, an OU, an account) it decides which guardrails apply, builds their
 * documents, measures them and, where they do not fit the attachment slots, packs them. Tag
 * policies and budgets are planned here too, and the section's rules and limits checked (they come
 * back as problems, each naming its key). The registration component (./component.ts) only
 * registers what this returns.
 */
import { sortedSet, tagLimitProblems } from "../fields";
import type { EnvironmentClass } from "../organization/config";
import type { CorePlan } from "../organization/plan";
import { Broken } from "../parse";
import type { PolicyDocument } from "../policy-document";
import { didYouMean, problem, type Planned, type Problem } from "../problems";
import { planBudgets, type BudgetPlan } from "./budgets";
import { PLATFORM_SERVICES, resolveGuardrailsConfig, type GuardrailsConfig } from "./config";
import { binDocument, MAX_SCPS_PER_TARGET, minify, packStatements, SCP_MAX_CHARACTERS, type PackItem } from "./packing";
import { buildRcp, RCP_DESCRIPTIONS, RCP_NAMES, type RcpName } from "./rcp";
import {
    baselineGuardrails,
    buildGuardrail,
    CATALOGUE_ORDER,
    GUARDRAILS,
    roleArnPattern,
    SERVICE_ALLOW_LIST,
    type DocumentGuardrail,
    type GuardrailParameters,
    type SecurityBaselineProtection,
} from "./scp";
import { environmentTagPolicy, TAG_POLICY_MAX_CHARACTERS } from "./tag-policy";

export type TargetKind = "root" | "organizational-unit" | "account";

/** Prefix of every AWS policy name this program creates. */
export const POLICY_NAME_PREFIX = "landing-zone";

/** Guardrails the baseline attaches (when `guardrails.baseline` is true), from the library's records. */
export const BASELINE = {
    root: baselineGuardrails("root"),
    /** Resource control policies, on the root. */
    rootRcps: [...RCP_NAMES] as RcpName[],
    /** On the top-most non-production OUs and accounts; the region allow-list only when regions are set. */
    nonProduction: baselineGuardrails("non-production"),
    /** On the top-most production OUs and accounts. */
    production: baselineGuardrails("production"),
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
    /** Tags of every policy (the common tags). */
    tags: Record<string, string>;
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
    /** The allow-list's services (`serviceAllowLists`), sorted. */
    services?: string[];
}

/** What the security baseline (../security/plan.ts) deployed, and the accounts the baseline protects it in. */
export type SecurityBaselineTargets = SecurityBaselineProtection & { accounts: string[] };

/**
 * Plans the guardrails and checks the section's rules and limits. With a config that had
 * problems (`broken` says what failed to parse) it plans what it can and leaves references to
 * broken entries alone. `securityBaseline` is the security section's `protection` (the pipeline
 * passes it on): with the baseline, protect-security-baseline goes to its accounts.
 */
export function planGuardrails(core: CorePlan, broken: Broken = new Broken(), securityBaseline?: SecurityBaselineTargets): Planned<GuardrailsPlan> {
    const problems: Problem[] = checkBudgets(core, broken);
    const budgets = planBudgetsOf(core);
    const tags = core.commonTags;
    const empty: GuardrailsPlan = { tags, exemptRoleArns: [], protectedRoleArns: [], targets: [], tagPolicies: [], resourceControlPolicies: [], budgets };
    const budgetTags = tagLimitProblems(budgets.map((b) => ({ label: `budget ${b.name}`, tags: b.tags, path: ["tags"] })));
    if (core.layout === "single-account") return { plan: empty, problems: [...problems, ...checkSingleAccount(core), ...budgetTags] };
    if (!core.organization) return { plan: empty, problems: [...problems, ...budgetTags] };

    const g = resolveGuardrailsConfig(core.config);
    problems.push(...checkAttachments(core, g, broken), ...checkAllowLists(core, g, broken), ...checkRegions(g));
    const accessRoleNames = sortedSet(core.accounts.map((a) => a.roleName));
    const exemptRoleArns = [...new Set([g.platformRoleName, ...accessRoleNames])].map(roleArnPattern);
    const protectedRoleArns = [roleArnPattern(`${g.platformRolePath.slice(1)}*`), ...[...new Set([...accessRoleNames, g.platformRoleName])].map(roleArnPattern)];

    const targets = attachTargets(core, g, securityBaseline);
    const allowLists = new Map(targets.filter((t) => t.services).map((t) => [t.key, t.services!]));
    const planned: ScpTargetPlan[] = [];
    for (const t of targets) {
        if (t.guardrails.size === 0) continue;
        const guardrails = CATALOGUE_ORDER.filter((n) => t.guardrails.has(n));
        const params = parametersFor(t, g, broken, exemptRoleArns, protectedRoleArns, securityBaseline, problems);
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
    const tagPolicies = planTagPolicies(core, g, targets, problems);
    const resourceControlPolicies = planResourceControlPolicies(g, problems);
    problems.push(...checkPolicyTypes(core, planned, tagPolicies), ...budgetTags);
    return { plan: { tags, exemptRoleArns, protectedRoleArns, targets: planned, tagPolicies, resourceControlPolicies, budgets }, problems };
}

// ---------------------------------------------------------------------------------
// Planning steps.
// ---------------------------------------------------------------------------------

function planBudgetsOf(core: CorePlan): BudgetPlan[] {
    return planBudgets(
        core.config.budgets,
        core.environments.map((e) => ({ name: e.name, accounts: core.organization ? e.accounts : [], separatedByTags: e.separatedByTags })),
        core.accounts.filter((a) => a.environments.length === 0).map((a) => ({ key: a.key, environmentTagValue: a.environmentTagValue, formerKeys: a.formerKeys })),
        core.environmentTagKey,
        core.application ?? POLICY_NAME_PREFIX,
        core.commonTags,
    );
}

/** Every target (the root, each OU, each account) with the guardrails the baseline and the attachments put on it. */
function attachTargets(core: CorePlan, g: GuardrailsConfig, securityBaseline: SecurityBaselineTargets | undefined): Target[] {
    const targets: Target[] = [
        { key: "root", kind: "root", label: "root", configPath: ["guardrails", "attachments", "root"], formerKeys: [], guardrails: new Set() },
        ...core.organizationalUnits.map(
            (ou): Target => ({
                key: `ou-${ou.key}`,
                kind: "organizational-unit",
                ref: ou.key,
                label: `OU ${ou.key} (${ou.path})`,
                environmentClass: ou.environmentClass,
                configPath: ["guardrails", "attachments", "organizationalUnits", ou.key],
                formerKeys: (ou.formerKeys ?? []).map((k) => `ou-${k}`),
                guardrails: new Set(),
            }),
        ),
        ...core.accounts.map(
            (a): Target => ({
                key: `account-${a.key}`,
                kind: "account",
                ref: a.key,
                label: `account ${a.key}`,
                environmentClass: a.environmentClass,
                configPath: ["guardrails", "attachments", "accounts", a.key],
                formerKeys: (a.formerKeys ?? []).map((k) => `account-${k}`),
                guardrails: new Set(),
            }),
        ),
    ];
    const byKey = new Map(targets.map((t) => [t.key, t]));
    const root = byKey.get("root")!;
    if (g.baseline) {
        const top = topTargetsByClass(core);
        BASELINE.root.forEach((n) => root.guardrails.add(n));
        for (const key of top["non-production"]) {
            for (const n of BASELINE.nonProduction) {
                if (n === "region-allow-list" && !g.allowedRegions) continue;
                byKey.get(key)!.guardrails.add(n);
            }
        }
        for (const key of top.production) BASELINE.production.forEach((n) => byKey.get(key)!.guardrails.add(n));
        // The security baseline's own protection, where its principals could reach it: the log archive and audit accounts.
        for (const key of securityBaseline?.accounts ?? []) byKey.get(`account-${key}`)?.guardrails.add("protect-security-baseline");
    }
    g.attachments.root.forEach((n) => root.guardrails.add(n));
    for (const [k, names] of Object.entries(g.attachments.organizationalUnits)) names.forEach((n) => byKey.get(`ou-${k}`)?.guardrails.add(n));
    for (const [k, names] of Object.entries(g.attachments.accounts)) names.forEach((n) => byKey.get(`account-${k}`)?.guardrails.add(n));
    for (const [k, services] of Object.entries(g.serviceAllowLists)) {
        const t = byKey.get(`ou-${k}`);
        if (!t) continue;
        t.guardrails.add(SERVICE_ALLOW_LIST);
        t.services = sortedSet(services);
    }
    return targets;
}

function planTagPolicies(core: CorePlan, g: GuardrailsConfig, targets: Target[], problems: Problem[]): TagPolicyPlan[] {
    if (!g.tagPolicies.enabled) return [];
    const byKey = new Map(targets.map((t) => [t.key, t]));
    const top = topTargetsByClass(core);
    const out: TagPolicyPlan[] = [];
    for (const cls of ["production", "non-production"] as const) {
        const values = [...core.environments.filter((e) => e.environmentClass === cls).map((e) => e.name), cls === "production" ? core.productionTagValue : core.nonProductionTagValue];
        for (const key of top[cls]) {
            const t = byKey.get(key)!;
            const content = minify(environmentTagPolicy({ tagKey: core.environmentTagKey, allowedValues: values, enforcedFor: sortedSet(g.tagPolicies.enforcedFor) }));
            if (content.length > TAG_POLICY_MAX_CHARACTERS) {
                problems.push(
                    problem(["guardrails", "tagPolicies", "enforcedFor"], content.length, `makes the tag policy of ${t.label} ${content.length} characters; AWS allows ${TAG_POLICY_MAX_CHARACTERS}`),
                );
                continue;
            }
            out.push({
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
    return out;
}

function planResourceControlPolicies(g: GuardrailsConfig, problems: Problem[]): RcpPlan[] {
    const out: RcpPlan[] = [];
    const trusted = sortedSet(g.trustedExternalAccountIds);
    for (const name of g.baseline ? BASELINE.rootRcps : []) {
        const content = minify(buildRcp(name, { trustedAccountIds: trusted }));
        if (content.length > SCP_MAX_CHARACTERS) {
            problems.push(
                problem(
                    ["guardrails", "trustedExternalAccountIds"],
                    g.trustedExternalAccountIds.length,
                    `make the resource control policy ${name} ${content.length} characters; AWS allows ${SCP_MAX_CHARACTERS}: trust fewer accounts`,
                ),
            );
            continue;
        }
        out.push({
            name,
            targetKey: "root",
            logicalName: `rcp-root-${name}`,
            policyName: `${POLICY_NAME_PREFIX}-root-${name}`,
            description: RCP_DESCRIPTIONS[name],
            content,
            size: content.length,
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------
// Rules of the section.
// ---------------------------------------------------------------------------------

function checkBudgets(core: CorePlan, broken: Broken): Problem[] {
    const cfg = core.config;
    if (!cfg.budgets) return [];
    const problems: Problem[] = [];
    const envNames = cfg.environments.map((e) => e.name);
    for (const env of Object.keys(cfg.budgets.monthlyLimits)) {
        if (!envNames.includes(env) && !broken.hides("environments", env)) {
            problems.push(
                problem(["budgets", "monthlyLimits", env], cfg.budgets.monthlyLimits[env], `names an unknown environment '${env}'${didYouMean(env, envNames)}; declared: ${envNames.join(", ")}`),
            );
        }
    }
    for (const key of Object.keys(cfg.budgets.accountMonthlyLimits)) {
        const a = cfg.accounts[key];
        if ((!a && !broken.hides("accounts", key)) || (a && a.environments.length > 0)) {
            const eligible = Object.keys(cfg.accounts).filter((k) => cfg.accounts[k].environments.length === 0);
            problems.push(
                problem(
                    ["budgets", "accountMonthlyLimits", key],
                    cfg.budgets.accountMonthlyLimits[key],
                    `must name a member account that hosts no environment (those have budgets of their own); eligible: ${eligible.join(", ") || "(none)"}`,
                ),
            );
        }
    }
    const seen = new Set<string>();
    cfg.budgets.thresholds.forEach((t, i) => {
        const id = `${t.type}/${t.percent}`;
        if (seen.has(id)) problems.push(problem(["budgets", "thresholds", i], t, "is listed twice"));
        seen.add(id);
    });
    return problems;
}

function checkSingleAccount(core: CorePlan): Problem[] {
    if (core.config.guardrails === undefined) return [];
    return [
        problem(
            ["guardrails"],
            "(set)",
            "is not allowed when layout is single-account: service control policies and tag policies need AWS Organizations (use multi-account or hybrid); budgets still apply",
        ),
    ];
}

/** Attachments name known targets, each guardrail once per target, the region list only with regions. */
function checkAttachments(core: CorePlan, g: GuardrailsConfig, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const lists: [(string | number)[], string[]][] = [[["guardrails", "attachments", "root"], g.attachments.root]];
    for (const [section, what] of [
        ["organizationalUnits", "OU"],
        ["accounts", "account"],
    ] as const) {
        const known = Object.keys(core.config[section]);
        for (const [key, names] of Object.entries(g.attachments[section])) {
            if (!known.includes(key) && !broken.hides(section, key)) {
                problems.push(problem(["guardrails", "attachments", section, key], key, `names an unknown ${what}; known ${what}s: ${known.join(", ") || "(none)"}`));
            }
            lists.push([["guardrails", "attachments", section, key], names]);
        }
    }
    for (const [path, names] of lists) {
        names.forEach((n, i) => {
            if (names.indexOf(n) !== i) problems.push(problem([...path, i], n, "is listed twice for the same target"));
            if (n === "region-allow-list" && !g.allowedRegions && !broken.has("guardrails", "allowedRegions")) {
                problems.push(problem([...path, i], n, "needs landing-zone:guardrails.allowedRegions, which is not set"));
            }
        });
    }
    return problems;
}

/** Allow-lists on known OUs, never locking the platform out. */
function checkAllowLists(core: CorePlan, g: GuardrailsConfig, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const ouKeys = Object.keys(core.config.organizationalUnits);
    for (const [key, services] of Object.entries(g.serviceAllowLists)) {
        if (!ouKeys.includes(key) && !broken.hides("organizationalUnits", key)) {
            problems.push(problem(["guardrails", "serviceAllowLists", key], key, `names an unknown OU${didYouMean(key, ouKeys)}; known OUs: ${ouKeys.join(", ") || "(none)"}`));
        }
        const missing = PLATFORM_SERVICES.filter((s) => !services.includes(s));
        if (missing.length) {
            problems.push(
                problem(
                    ["guardrails", "serviceAllowLists", key],
                    services,
                    `must include ${missing.join(", ")}: the platform maintains identities and the security services in every account, an allow-list without them would lock it out`,
                ),
            );
        }
    }
    return problems;
}

function checkRegions(g: GuardrailsConfig): Problem[] {
    return (g.allowedRegions ?? []).flatMap((r, i, all) => (all.indexOf(r) !== i ? [problem(["guardrails", "allowedRegions", i], r, "is listed twice")] : []));
}

/** SCPs and tag policies need their policy types enabled at the root. */
function checkPolicyTypes(core: CorePlan, targets: ScpTargetPlan[], tagPolicies: TagPolicyPlan[]): Problem[] {
    const problems: Problem[] = [];
    const enabled = core.organization?.enabledPolicyTypes ?? [];
    const configured = core.config.organization?.enabledPolicyTypes ?? ["SERVICE_CONTROL_POLICY", "TAG_POLICY"];
    if (targets.length > 0 && !enabled.includes("SERVICE_CONTROL_POLICY")) {
        problems.push(
            problem(
                ["organization", "enabledPolicyTypes"],
                configured,
                "must include SERVICE_CONTROL_POLICY: guardrails are attached (set guardrails.baseline: false and no attachments to have none)",
            ),
        );
    }
    if (tagPolicies.length > 0 && !enabled.includes("TAG_POLICY")) {
        problems.push(problem(["organization", "enabledPolicyTypes"], configured, "must include TAG_POLICY: tag policies are attached (or set guardrails.tagPolicies.enabled: false)"));
    }
    return problems;
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
export function topTargetsByClass(plan: Pick<CorePlan, "organizationalUnits" | "accounts">): Record<EnvironmentClass, string[]> {
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

/** Everything the target's guardrails need, each set in one canonical order; undefined (and a problem) when it cannot have them. */
function parametersFor(
    t: Target,
    g: GuardrailsConfig,
    broken: Broken,
    exemptRoleArns: string[],
    protectedRoleArns: string[],
    securityBaseline: SecurityBaselineProtection | undefined,
    problems: Problem[],
): GuardrailParameters | undefined {
    if (t.guardrails.has("protect-security-baseline") && !securityBaseline) {
        if (!broken.has("security")) {
            problems.push(
                problem(
                    t.configPath,
                    "protect-security-baseline",
                    `attaches protect-security-baseline to ${t.label}, but there is no security baseline to protect: set landing-zone:security (with a log archive)`,
                ),
            );
        }
        return undefined;
    }
    let instanceTypes: string[] = [];
    if (t.guardrails.has("instance-type-allow-list")) {
        if (t.environmentClass === "non-production") instanceTypes = g.nonProductionInstanceTypes;
        else if (t.environmentClass === "production" && g.productionInstanceTypes) instanceTypes = g.productionInstanceTypes;
        else {
            if (!(t.environmentClass === "production" && broken.has("guardrails", "productionInstanceTypes"))) {
                problems.push(
                    problem(
                        t.configPath,
                        "instance-type-allow-list",
                        t.environmentClass === "production"
                            ? `attaches instance-type-allow-list to ${t.label}, which is production: set landing-zone:guardrails.productionInstanceTypes`
                            : `attaches instance-type-allow-list to ${t.label}, which has no environment class (the allowed types depend on it); attach it to production or non-production OUs or accounts`,
                    ),
                );
            }
            return undefined;
        }
    }
    return {
        exemptRoleArns,
        protectedRoleArns,
        allowedRegions: sortedSet(g.allowedRegions ?? []),
        extraGlobalActions: sortedSet(g.extraGlobalActions),
        instanceTypes: sortedSet(instanceTypes),
        services: t.services ?? [],
        securityBaseline,
    };
}

function documentsFor(t: Target, guardrails: DocumentGuardrail[], params: GuardrailParameters): { documents: ScpDocumentPlan[]; packed: boolean } | { problem: Problem } {
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
    const description = guardrails.length === 1 ? GUARDRAILS[guardrails[0]].description : `Landing zone guardrails: ${guardrails.join(", ")}`;
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

/**
 * Structural rules of a parsed config: references between keys, the layouts, the OU tree and
 * production separation. Pure: config in, problems out, as named steps.
 *
 * A stage that runs even when parsing found problems: every reference to an entry that failed
 * to parse (`Broken`) is left alone, so nothing is reported twice or as a follow-on error. The
 * steps that need the layout do not run when `layout` itself is missing or invalid.
 */
import type { Broken } from "../parse";
import { didYouMean, problem, type Problem } from "../problems";
import type { AccountConfig, EnvironmentClass, Layout, OrganizationConfig } from "./config";

/** A parsed config whose layout may have failed to parse. */
export type StructureInput = Omit<OrganizationConfig, "layout"> & { layout?: Layout };

export const MAX_OU_DEPTH = 5;

/** Tag keys the landing zone sets itself; config may not set them in any `tags`. */
export const RESERVED_TAG_KEYS = (environmentTagKey: string) => [environmentTagKey, "Application"];

export function checkStructure(cfg: StructureInput, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const tree = ouTree(cfg, broken);
    problems.push(...checkEnvironments(cfg, broken), ...checkGlobalTags(cfg, broken));
    if (cfg.layout === "single-account") return [...problems, ...checkSingleAccount(cfg, broken)];
    problems.push(
        ...checkOuTree(cfg, tree),
        ...checkSiblingNames(cfg, broken),
        ...checkFormerKeys(cfg),
        ...checkAccounts(cfg, broken),
        ...checkExistingIds(cfg, broken),
        ...checkOuClasses(cfg, tree, broken),
    );
    if (cfg.layout === undefined) return problems;
    problems.push(...checkAccountCount(cfg, broken), ...checkAccountsPerLayout(cfg), ...checkHostedEnvironments(cfg, broken), ...checkHybridSharing(cfg, broken), ...checkIdentityAccount(cfg, broken));
    return problems;
}

// ---------------------------------------------------------------------------------
// The OU tree.
// ---------------------------------------------------------------------------------

export interface OuTree {
    /** OUs whose parents lead to the root, with their depth (1 = below the root). */
    depth: Map<string, number>;
    /** Each cycle once, from the first of its OUs in config order. */
    cycles: string[][];
    /** OUs whose parent is not declared (and did not fail to parse). */
    unknownParents: string[];
}

/** Walks every OU's parents once: depths, cycles and unknown parents. */
export function ouTree(cfg: Pick<StructureInput, "organizationalUnits">, broken: Broken): OuTree {
    const ous = cfg.organizationalUnits;
    const tree: OuTree = { depth: new Map(), cycles: [], unknownParents: [] };
    const inCycle = new Set<string>();
    for (const key of Object.keys(ous)) {
        const chain: string[] = [];
        let cur: string | undefined = key;
        let sound = true;
        while (cur !== undefined) {
            const at = chain.indexOf(cur);
            if (at >= 0) {
                const cycle = chain.slice(at);
                if (!cycle.some((k) => inCycle.has(k))) {
                    tree.cycles.push(cycle);
                    cycle.forEach((k) => inCycle.add(k));
                }
                sound = false;
                break;
            }
            chain.push(cur);
            const ou: OrganizationConfig["organizationalUnits"][string] | undefined = ous[cur];
            if (ou && broken.has("organizationalUnits", cur, "parent")) {
                // Its parent failed to parse (reported on its own): the depth below it is unknown.
                sound = false;
                break;
            }
            if (!ou) {
                // The first OU of the chain below a missing one names it; a broken entry is reported on its own.
                const child = chain[chain.length - 2];
                if (child === key && !broken.hides("organizationalUnits", cur)) tree.unknownParents.push(key);
                sound = false;
                break;
            }
            cur = ou.parent;
        }
        if (sound) tree.depth.set(key, chain.length);
    }
    return tree;
}

function checkOuTree(cfg: StructureInput, tree: OuTree): Problem[] {
    const ous = cfg.organizationalUnits;
    const known = Object.keys(ous).join(", ") || "(none)";
    return [
        ...tree.cycles.map((cycle) =>
            problem(["organizationalUnits", cycle[0], "parent"], ous[cycle[0]].parent, `forms a cycle (${[...cycle, cycle[0]].join(" -> ")}); an OU's parents must lead to the root`),
        ),
        ...tree.unknownParents.map((key) =>
            problem(["organizationalUnits", key, "parent"], ous[key].parent, `names an unknown OU${didYouMean(ous[key].parent, Object.keys(ous))}; known OUs: ${known}`),
        ),
        ...[...tree.depth]
            .filter(([, depth]) => depth > MAX_OU_DEPTH)
            .map(([key, depth]) => problem(["organizationalUnits", key], ouPath(cfg, key).join("/"), `is nested ${depth} levels below the root; AWS Organizations allows at most ${MAX_OU_DEPTH}`)),
    ];
}

/** Keys from the top-most OU down to `key` (a sound chain). */
function ouPath(cfg: Pick<StructureInput, "organizationalUnits">, key: string): string[] {
    const out: string[] = [];
    for (let cur: string | undefined = key; cur !== undefined; cur = cfg.organizationalUnits[cur]?.parent) out.unshift(cur);
    return out;
}

function checkSiblingNames(cfg: StructureInput, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const siblingNames = new Map<string, string>();
    for (const [key, ou] of Object.entries(cfg.organizationalUnits)) {
        if (broken.has("organizationalUnits", key, "name") || broken.has("organizationalUnits", key, "parent")) continue;
        const id = `${ou.parent ?? "(root)"}/${(ou.name ?? key).toLowerCase()}`;
        const other = siblingNames.get(id);
        if (other) {
            problems.push(problem(["organizationalUnits", key, "name"], ou.name ?? key, `is also the name of OU '${other}' under the same parent; sibling OU names must be unique`));
        } else siblingNames.set(id, key);
    }
    return problems;
}

// ---------------------------------------------------------------------------------
// Environments and tags.
// ---------------------------------------------------------------------------------

function checkEnvironments(cfg: StructureInput, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const names = cfg.environments.map((e) => e.name);
    if (cfg.environments.length === 0) problems.push(problem(["environments"], cfg.environments, "must list at least one environment"));
    cfg.environments.forEach((e, i) => {
        if (names.indexOf(e.name) !== i) problems.push(problem(["environments", i, "name"], e.name, "is a duplicate; environment names must be unique"));
    });
    if (cfg.nonProductionTagValue === cfg.productionTagValue && !broken.has("nonProductionTagValue") && !broken.has("productionTagValue")) {
        problems.push(problem(["nonProductionTagValue"], cfg.nonProductionTagValue, "must differ from productionTagValue"));
    }
    cfg.environments.forEach((e, i) => {
        if (e.name === cfg.nonProductionTagValue && e.production) {
            problems.push(problem(["environments", i, "name"], e.name, "is the non-production tag value (nonProductionTagValue) but the environment is production"));
        }
        if (e.name === cfg.productionTagValue && !e.production) {
            problems.push(
                problem(["environments", i, "production"], e.production, `must be true: the environment is named like the production tag value (productionTagValue=${cfg.productionTagValue})`),
            );
        }
    });
    return problems;
}

function checkGlobalTags(cfg: StructureInput, broken: Broken): Problem[] {
    if (broken.has("environmentTagKey")) return [];
    return Object.keys(cfg.tags)
        .filter((k) => RESERVED_TAG_KEYS(cfg.environmentTagKey).includes(k))
        .map((k) => problem(["tags", k], k, "is set by the landing zone itself; remove it from tags"));
}

// ---------------------------------------------------------------------------------
// Layouts.
// ---------------------------------------------------------------------------------

function checkSingleAccount(cfg: StructureInput, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const ouKeys = Object.keys(cfg.organizationalUnits);
    const accountKeys = Object.keys(cfg.accounts);
    if (cfg.organization) {
        problems.push(problem(["organization"], "(set)", "is not allowed when layout is single-account (no AWS Organizations); use multi-account or hybrid"));
    }
    if (ouKeys.length > 0) {
        problems.push(problem(["organizationalUnits"], ouKeys.join(", "), "is not allowed when layout is single-account; use multi-account or hybrid"));
    }
    if (accountKeys.length > 0) {
        problems.push(problem(["accounts"], accountKeys.join(", "), "is not allowed when layout is single-account: all environments live in the account Pulumi deploys to"));
    }
    if (cfg.identityAccount !== "management" && !broken.has("identityAccount")) {
        problems.push(problem(["identityAccount"], cfg.identityAccount, "must be 'management' when layout is single-account"));
    }
    return problems;
}

function checkAccountCount(cfg: StructureInput, broken: Broken): Problem[] {
    if (Object.keys(cfg.accounts).length > 0 || broken.any("accounts")) return [];
    return [problem(["accounts"], {}, `must declare at least one member account when layout is ${cfg.layout}`)];
}

function checkAccountsPerLayout(cfg: StructureInput): Problem[] {
    if (cfg.layout !== "multi-account") return [];
    return Object.entries(cfg.accounts)
        .filter(([, a]) => a.environments.length > 1)
        .map(([key, a]) =>
            problem(
                ["accounts", key, "environments"],
                a.environments.join(", "),
                "hosts several environments; in the multi-account layout every account hosts at most one (use hybrid to share a non-production account)",
            ),
        );
}

// ---------------------------------------------------------------------------------
// Accounts.
// ---------------------------------------------------------------------------------

/** Renames: a former key must not name a current entry or another entry's former key. */
function checkFormerKeys(cfg: StructureInput): Problem[] {
    const problems: Problem[] = [];
    const sections: [string, Record<string, { formerKeys: string[] }>][] = [
        ["organizationalUnits", cfg.organizationalUnits],
        ["accounts", cfg.accounts],
    ];
    for (const [section, entries] of sections) {
        const owner = new Map<string, string>();
        for (const [key, entry] of Object.entries(entries)) {
            entry.formerKeys.forEach((old, i) => {
                if (old in entries) {
                    problems.push(problem([section, key, "formerKeys", i], old, "is the key of a current entry; a former key must no longer be in use"));
                } else if (owner.has(old)) {
                    problems.push(problem([section, key, "formerKeys", i], old, `is also a former key of '${owner.get(old)}'`));
                } else owner.set(old, key);
            });
        }
    }
    return problems;
}

function checkAccounts(cfg: StructureInput, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const envByName = new Map(cfg.environments.map((e) => [e.name, e]));
    const envNames = cfg.environments.map((e) => e.name).join(", ");
    const ouKeys = Object.keys(cfg.organizationalUnits).join(", ") || "(none)";
    const names = new Map<string, string>();
    const emails = new Map<string, string>();
    for (const [key, a] of Object.entries(cfg.accounts)) {
        // A value that failed to parse is reported on its own: no rule judges it again.
        const ok = (field: string) => !broken.has("accounts", key, field);
        const other = names.get(a.name.toLowerCase());
        if (other && ok("name")) problems.push(problem(["accounts", key, "name"], a.name, `is already the name of account '${other}'; account names must be unique`));
        else if (ok("name")) names.set(a.name.toLowerCase(), key);
        const sameEmail = emails.get(a.email.toLowerCase());
        if (sameEmail && ok("email")) {
            problems.push(problem(["accounts", key, "email"], a.email, `is already the email of account '${sameEmail}'; every AWS account needs its own email`));
        } else if (ok("email")) emails.set(a.email.toLowerCase(), key);
        if (a.ou !== undefined && ok("ou") && !cfg.organizationalUnits[a.ou] && !broken.hides("organizationalUnits", a.ou)) {
            problems.push(problem(["accounts", key, "ou"], a.ou, `names an unknown OU${didYouMean(a.ou, Object.keys(cfg.organizationalUnits))}; known OUs: ${ouKeys}`));
        }
        a.environments.forEach((env, i) => {
            if (!envByName.has(env)) {
                if (!broken.hides("environments", env)) {
                    problems.push(problem(["accounts", key, "environments", i], env, `is not a declared environment${didYouMean(env, [...envByName.keys()])}; declared: ${envNames}`));
                }
            } else if (a.environments.indexOf(env) !== i) {
                problems.push(problem(["accounts", key, "environments", i], env, "is listed twice"));
            }
        });
        const classes = new Set(a.environments.filter((e) => envByName.has(e)).map((e) => (envByName.get(e)!.production ? "production" : "non-production")));
        if (classes.size > 1) {
            problems.push(problem(["accounts", key, "environments"], a.environments.join(", "), "mixes production and non-production environments; production must have accounts of its own"));
        }
        if (a.environments.length === 0 && !a.environmentClass && ok("environments") && ok("environmentClass")) {
            problems.push(problem(["accounts", key, "environmentClass"], undefined, "is required for an account that hosts no environment: production or non-production"));
        }
        const derived = [...classes][0];
        if (a.environments.length > 0 && a.environmentClass && derived && derived !== a.environmentClass && ok("environmentClass")) {
            problems.push(problem(["accounts", key, "environmentClass"], a.environmentClass, `contradicts the account's environments (${a.environments.join(", ")}), which are ${derived}`));
        }
        for (const k of Object.keys(a.tags)) {
            if (RESERVED_TAG_KEYS(cfg.environmentTagKey).includes(k)) {
                problems.push(problem(["accounts", key, "tags", k], k, "is set by the landing zone itself; remove it from tags"));
            }
        }
    }
    return problems;
}

/** Two entries adopting the same existing account (or OU) would import it twice. */
function checkExistingIds(cfg: StructureInput, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    const sections: [string, string, Record<string, { existingId?: string }>][] = [
        ["organizationalUnits", "OU", cfg.organizationalUnits],
        ["accounts", "account", cfg.accounts],
    ];
    for (const [section, what, entries] of sections) {
        const owner = new Map<string, string>();
        for (const [key, entry] of Object.entries(entries)) {
            if (entry.existingId === undefined || broken.has(section, key, "existingId")) continue;
            const other = owner.get(entry.existingId);
            if (other) {
                problems.push(problem([section, key, "existingId"], entry.existingId, `is already the existingId of ${what} '${other}'; one existing ${what} can be adopted by one entry only`));
            } else owner.set(entry.existingId, key);
        }
    }
    return problems;
}

function checkHostedEnvironments(cfg: StructureInput, broken: Broken): Problem[] {
    if (Object.keys(cfg.accounts).length === 0 || broken.any("accounts")) return [];
    const hosted = new Set(Object.values(cfg.accounts).flatMap((a) => a.environments));
    return cfg.environments.flatMap((e, i) => (hosted.has(e.name) ? [] : [problem(["environments", i, "name"], e.name, "is hosted by no account; list it in the environments of some account")]));
}

function checkHybridSharing(cfg: StructureInput, broken: Broken): Problem[] {
    if (cfg.layout !== "hybrid" || broken.any("accounts")) return [];
    const problems: Problem[] = [];
    const nonProd = cfg.environments.filter((e) => !e.production).map((e) => e.name);
    const sharedHosts = Object.keys(cfg.accounts).filter((k) => cfg.accounts[k].environments.some((e) => nonProd.includes(e)));
    if (sharedHosts.length > 1) {
        problems.push(problem(["accounts"], sharedHosts.join(", "), "hybrid layout: all non-production environments must share exactly one account; these accounts each host some of them"));
    }
    if (sharedHosts.length === 1) {
        const [key] = sharedHosts;
        const missing = nonProd.filter((e) => !cfg.accounts[key].environments.includes(e));
        if (missing.length) {
            problems.push(
                problem(
                    ["accounts", key, "environments"],
                    cfg.accounts[key].environments.join(", "),
                    `hybrid layout: the shared non-production account must host every non-production environment; missing ${missing.join(", ")}`,
                ),
            );
        }
    }
    return problems;
}

function checkIdentityAccount(cfg: StructureInput, broken: Broken): Problem[] {
    if (cfg.identityAccount === "management" || cfg.accounts[cfg.identityAccount] || broken.hides("accounts", cfg.identityAccount) || broken.has("identityAccount")) return [];
    return [problem(["identityAccount"], cfg.identityAccount, `must be 'management' or the key of a declared account (${Object.keys(cfg.accounts).join(", ")})`)];
}

/** A declared OU class must match the accounts below it (OUs of a sound chain only). */
function checkOuClasses(cfg: StructureInput, tree: OuTree, broken: Broken): Problem[] {
    const problems: Problem[] = [];
    for (const [akey, a] of Object.entries(cfg.accounts)) {
        if (a.ou === undefined || !tree.depth.has(a.ou)) continue;
        if (["ou", "environments", "environmentClass"].some((f) => broken.has("accounts", akey, f))) continue;
        const cls = accountClass(cfg, a);
        if (!cls) continue;
        for (const ouKey of ouPath(cfg, a.ou)) {
            const declared = cfg.organizationalUnits[ouKey].environmentClass;
            if (declared && declared !== cls && !broken.has("organizationalUnits", ouKey, "environmentClass")) {
                problems.push(problem(["accounts", akey, "ou"], a.ou, `places a ${cls} account under OU '${ouKey}', which is declared ${declared}`));
            }
        }
    }
    return problems;
}

/** An account's class: from its environments, else as declared. */
export function accountClass(cfg: Pick<StructureInput, "environments">, a: AccountConfig): EnvironmentClass | undefined {
    const envs = cfg.environments.filter((e) => a.environments.includes(e.name));
    if (envs.length > 0) return envs.some((e) => e.production) ? "production" : "non-production";
    return a.environmentClass;
}

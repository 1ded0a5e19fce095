/**
 * Property-based tests (fast-check) where the input space is large:
 * - the config schema: any config built by the schema's rules plans without error, and every
 *   single mutation of one (a value of the wrong type or form, an unknown key) is either valid or
 *   rejected with a problem that names the mutated key;
 * - SCP packing: every statement lands in exactly one document, every document within AWS's
 *   5,120 characters, no more documents than slots; and packed and unpacked guardrails give the
 *   same simulator decisions.
 */
import * as assert from "assert";
import fc from "fast-check";
import { ConfigError, keyPath, type ConfigProblem } from "../../components/config";
import { binDocument, minify, packStatements, SCP_MAX_CHARACTERS, type PackItem } from "../../components/guardrails/packing";
import { buildGuardrail, CATALOGUE_ORDER, FULL_AWS_ACCESS, type DocumentGuardrail, type GuardrailParameters } from "../../components/guardrails/scp";
import { planFromRawConfig } from "../../components/plan";
import type { Statement } from "../../components/policy-document";
import { ADMINISTRATOR_ACCESS, decide, type ScpLevel, type SimulationRequest } from "../helpers/simulate";

// ---------------------------------------------------------------------------------
// Valid configs, built by the schema's rules.
// ---------------------------------------------------------------------------------

const ENV_NAMES = ["dev", "test", "qa", "staging", "perf", "uat", "prod", "live"];
const LEVELS = ["none", "read", "write", "admin"] as const;
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"];

interface Env {
    name: string;
    production: boolean;
}

/** Environments: 1-4 distinct names, at least one of each class when there are two or more. */
const environments = fc
    .uniqueArray(fc.constantFrom(...ENV_NAMES), { minLength: 1, maxLength: 4 })
    .chain((names) => fc.tuple(fc.constant(names), fc.integer({ min: 0, max: names.length - 1 })))
    .map(([names, prodAt]): Env[] => names.map((name, i) => ({ name, production: names.length > 1 ? i === prodAt : false })))
    // The tag values (nonprod/prod) must not be environment names of the other class.
    .filter((envs) => envs.every((e) => (e.name === "prod" ? e.production : true)));

function teamsFor(envs: Env[], organization: boolean) {
    const nonProd = envs.filter((e) => !e.production).map((e) => e.name);
    return fc
        .uniqueArray(fc.constantFrom("alpha", "beta", "gamma", "ops"), { minLength: 1, maxLength: 4 })
        .chain((keys) =>
            fc.tuple(
                ...keys.map((key) =>
                    fc
                        .record({
                            access: fc.tuple(...envs.map(() => fc.constantFrom(...LEVELS))).map((levels) => Object.fromEntries(envs.map((e, i) => [e.name, levels[i]]))),
                            admin: fc.boolean(),
                            iam: fc.subarray(nonProd),
                        })
                        .map((t) => {
                            // Delegated IAM administration only where the team writes.
                            const iamAdmin = t.iam.filter((e) => t.access[e] === "write" || t.access[e] === "admin");
                            return [key, { access: t.access, iamAdmin, organizationAdmin: organization && t.admin }] as const;
                        }),
                ),
            ),
        )
        .map((entries) => Object.fromEntries(entries));
}

const users = (teamKeys: string[]) =>
    fc.dictionary(
        fc.constantFrom("alice", "bob", "carol", "dave"),
        fc.subarray(teamKeys).map((teams) => ({ teams })),
        { maxKeys: 4 },
    );

const budgets = (envs: Env[]) =>
    fc.option(
        fc.record({
            alertEmails: fc.uniqueArray(fc.constantFrom("finops@example.com", "platform@example.com", "cto@example.com"), { minLength: 1, maxLength: 3 }),
            defaultMonthlyLimit: fc.integer({ min: 1, max: 100000 }),
            monthlyLimits: fc.subarray(envs.map((e) => e.name)).map((names) => Object.fromEntries(names.map((n, i) => [n, 100 * (i + 1)]))),
        }),
        { nil: undefined },
    );

/** A valid config of any layout. */
const validConfig: fc.Arbitrary<Record<string, unknown>> = fc
    .tuple(environments, fc.constantFrom("single-account", "multi-account", "hybrid"))
    .filter(([envs, layout]) => layout !== "hybrid" || (envs.some((e) => e.production) && envs.some((e) => !e.production)))
    .chain(([envs, layout]) => {
        const organization = layout !== "single-account";
        return fc.tuple(
            fc.constant(envs),
            fc.constant(layout),
            teamsFor(envs, organization),
            budgets(envs),
            fc.subarray(REGIONS, { minLength: 1 }),
            fc.boolean(),
            fc.dictionary(fc.constantFrom("CostCenter", "Team", "Project"), fc.constantFrom("cc-1", "platform", "x y")),
        );
    })
    .chain(([envs, layout, teams, budget, regions, withOus, tags]) =>
        users(Object.keys(teams)).map((u) => {
            const config: Record<string, unknown> = { layout, environments: envs, teams, users: u, tags };
            if (budget) config.budgets = budget;
            if (layout === "single-account") return config;
            const accounts: Record<string, unknown> = {};
            const ouOf = (production: boolean) => (withOus ? (production ? "prod" : "nonprod") : undefined);
            const account = (key: string, environments: string[], production: boolean) => {
                accounts[key] = { name: `app-${key}`, email: `aws+${key}@example.com`, environments, ...(ouOf(production) ? { ou: ouOf(production) } : {}) };
            };
            if (layout === "hybrid") {
                account(
                    "shared",
                    envs.filter((e) => !e.production).map((e) => e.name),
                    false,
                );
                envs.filter((e) => e.production).forEach((e) => account(e.name, [e.name], true));
            } else {
                envs.forEach((e) => account(e.name, [e.name], e.production));
            }
            accounts.security = { name: "app-security", email: "aws+security@example.com", environmentClass: "production", ...(withOus ? { ou: "prod" } : {}) };
            config.accounts = accounts;
            if (withOus) {
                config.organizationalUnits = {
                    workloads: { name: "Workloads" },
                    nonprod: { name: "NonProd", parent: "workloads", environmentClass: "non-production" },
                    prod: { name: "Prod", parent: "workloads", environmentClass: "production" },
                };
            }
            config.guardrails = { allowedRegions: regions, attachments: { root: ["protect-platform-roles"] } };
            return config;
        }),
    );

// ---------------------------------------------------------------------------------
// Single mutations.
// ---------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every leaf (scalar value) and every object of a config, by path. */
function paths(value: unknown, at: Path = []): { leaves: Path[]; objects: Path[] } {
    const out = { leaves: [] as Path[], objects: [] as Path[] };
    if (Array.isArray(value)) {
        value.forEach((v, i) => {
            const sub = paths(v, [...at, i]);
            out.leaves.push(...sub.leaves);
            out.objects.push(...sub.objects);
        });
    } else if (value !== null && typeof value === "object") {
        out.objects.push(at);
        for (const [k, v] of Object.entries(value)) {
            const sub = paths(v, [...at, k]);
            out.leaves.push(...sub.leaves);
            out.objects.push(...sub.objects);
        }
    } else if (at.length) {
        out.leaves.push(at);
    }
    return out;
}

function get(value: any, path: Path): any {
    return path.reduce((v, p) => v?.[p], value);
}

function set(value: any, path: Path, v: unknown): void {
    get(value, path.slice(0, -1))[path[path.length - 1]] = v;
}

/** A value of another type than the original, or text that no format of the schema accepts. */
function garbageFor(original: unknown, pick: number): unknown {
    const other = typeof original === "string" ? [42, true, ["x"], { x: 1 }, "Not Valid!#" + "x".repeat(300)] : ["Not Valid!#", ["x"], { x: 1 }];
    return other[pick % other.length];
}

/** A problem names the mutated key: the key itself, or a key inside it. */
function names(p: ConfigProblem, mutated: Path): boolean {
    const key = keyPath(mutated);
    return p.key === key || p.key.startsWith(`${key}.`) || p.key.startsWith(`${key}[`);
}

function problemsOf(raw: Record<string, unknown>): ConfigProblem[] {
    try {
        planFromRawConfig(raw);
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
}

describe("properties: the config schema", function () {
    this.timeout(60_000);

    it("every config built by the schema's rules plans without error", () => {
        const layouts = new Map<unknown, number>();
        fc.assert(
            fc.property(validConfig, (raw) => {
                layouts.set(raw.layout, (layouts.get(raw.layout) ?? 0) + 1);
                const found = problemsOf(raw);
                assert.deepEqual(
                    found.map((p) => `${p.key}: ${p.message}`),
                    [],
                    JSON.stringify(raw),
                );
            }),
            { numRuns: 150 },
        );
        console.log(`      layouts planned: ${[...layouts].map(([l, n]) => `${l} ${n}`).join(", ")}`);
        assert.equal(layouts.size, 3, "every layout generated");
    });

    it("every single mutation is either valid or rejected with a problem naming the mutated key", () => {
        let rejected = 0;
        let runs = 0;
        fc.assert(
            fc.property(validConfig, fc.nat(), fc.nat(), fc.boolean(), (raw, which, pick, unknownKey) => {
                runs++;
                const config = structuredClone(raw);
                const { leaves, objects } = paths(config);
                let mutated: Path;
                if (unknownKey) {
                    const at = objects[which % objects.length];
                    mutated = [...at, "zzUnknownKey"];
                    set(config, mutated, 1);
                } else {
                    mutated = leaves[which % leaves.length];
                    set(config, mutated, garbageFor(get(config, mutated), pick));
                }
                const found = problemsOf(config);
                if (found.length === 0) return;
                rejected++;
                assert.ok(
                    found.some((p) => names(p, mutated)),
                    `mutating ${keyPath(mutated)}: no problem names it:\n${found.map((p) => `  ${p.key}: ${p.message}`).join("\n")}`,
                );
            }),
            { numRuns: 300 },
        );
        assert.ok(rejected > runs / 2, `most mutations are rejected (${rejected} of ${runs})`);
    });
});

// ---------------------------------------------------------------------------------
// SCP packing.
// ---------------------------------------------------------------------------------

const ACTIONS = ["s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:CreateUser", "organizations:LeaveOrganization", "kms:Decrypt", "sts:AssumeRole", "lambda:InvokeFunction"];

/** Statements of random sizes with unique Sids. */
const statements = fc
    .uniqueArray(
        fc.record({
            sid: fc.stringMatching(/^[A-Z][a-zA-Z0-9]{2,12}$/),
            actions: fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 4 }),
            padding: fc.array(fc.stringMatching(/^[a-z0-9]{8,40}$/), { maxLength: 120 }),
            guardrail: fc.constantFrom("a", "b", "c", "d"),
        }),
        { minLength: 1, maxLength: 25, selector: (s) => s.sid },
    )
    .map((xs): PackItem[] =>
        xs.map((x) => ({
            guardrail: x.guardrail,
            statement: {
                Sid: x.sid,
                Effect: "Deny",
                Action: x.actions,
                Resource: "*",
                ...(x.padding.length ? { Condition: { StringNotEquals: { "aws:PrincipalTag/team": x.padding } } } : {}),
            } as Statement,
        })),
    );

describe("properties: SCP packing", function () {
    this.timeout(60_000);

    it("every statement in exactly one document, every document within 5,120 characters, no more documents than slots", () => {
        let packed = 0;
        fc.assert(
            fc.property(statements, fc.integer({ min: 1, max: 4 }), (items, slots) => {
                const r = packStatements(items, slots);
                const total = items.reduce((n, i) => n + minify(i.statement).length, 0);
                if (!r.ok) {
                    // A refusal is honest: too little room for what has to fit.
                    const biggest = Math.max(...items.map((i) => minify({ Version: "2012-10-17", Statement: [i.statement] }).length));
                    assert.ok(
                        biggest > SCP_MAX_CHARACTERS || total > (slots - 1) * (SCP_MAX_CHARACTERS - 40),
                        `refused ${items.length} statements (${total} characters) for ${slots} slots: ${r.reason}`,
                    );
                    return;
                }
                packed++;
                assert.ok(r.bins.length <= slots);
                const sids = r.bins.flatMap((b) => b.items.map((i) => i.statement.Sid));
                assert.deepEqual([...sids].sort(), items.map((i) => i.statement.Sid).sort(), "each statement once");
                for (const b of r.bins) {
                    const size = minify(binDocument(b)).length;
                    assert.ok(size <= SCP_MAX_CHARACTERS, `${size} characters`);
                    assert.equal(size, b.size, "the size the packer counted is the document's");
                }
            }),
            { numRuns: 300 },
        );
        assert.ok(packed > 50, `${packed} packings checked`);
    });

    it("packed and unpacked guardrails give the same decisions (simulator)", async () => {
        const params: GuardrailParameters = {
            exemptRoleArns: ["arn:aws:iam::*:role/OrganizationAccountAccessRole"],
            protectedRoleArns: ["arn:aws:iam::*:role/landing-zone/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole"],
            allowedRegions: ["eu-west-1"],
            extraGlobalActions: [],
            instanceTypes: ["t3.*"],
            services: ["ec2", "s3", "iam", "sts", "organizations", "cloudtrail"],
            securityBaseline: { logBucketNames: ["lz-logs-*"], keyAliases: ["alias/lz-log-archive"], roles: ["service-role/lz-config-aggregator"] },
        };
        const account = "210987654321";
        const role = (n: string) => `arn:aws:iam::${account}:role/${n}`;
        const REQUESTS: SimulationRequest[] = [
            {
                principal: role("dev"),
                action: "ec2:RunInstances",
                resource: `arn:aws:ec2:eu-west-1:${account}:instance/i-1`,
                context: { "ec2:InstanceType": "m5.large", "ec2:MetadataHttpTokens": "required" },
            },
            { principal: role("dev"), action: "organizations:LeaveOrganization", resource: "*" },
            { principal: role("dev"), action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:RequestedRegion": "us-east-1" } },
            { principal: role("dev"), action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/u` },
            { principal: role("OrganizationAccountAccessRole"), action: "cloudtrail:StopLogging", resource: `arn:aws:cloudtrail:eu-west-1:${account}:trail/t` },
            { principal: role("dev"), action: "cloudtrail:StopLogging", resource: `arn:aws:cloudtrail:eu-west-1:${account}:trail/t` },
        ];
        const guardrailSets = fc.subarray([...CATALOGUE_ORDER] as DocumentGuardrail[], { minLength: 2 });
        const samples = fc.sample(fc.tuple(guardrailSets, fc.integer({ min: 1, max: 2 })), { numRuns: 8, seed: 18 });
        let compared = 0;
        const decisions = new Set<string>();
        for (const [names, slots] of samples) {
            const docs = names.map((n) => ({ name: n, doc: buildGuardrail(n, params) }));
            const r = packStatements(
                docs.flatMap((d) => d.doc.Statement.map((statement) => ({ guardrail: d.name, statement }))),
                slots,
            );
            if (!r.ok) continue;
            const full = names.includes("service-allow-list") ? [] : [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }];
            const level = (policies: { name: string; policy: unknown }[]): ScpLevel[] => [
                { id: "ou-x", policies: [...full, ...policies] },
                { id: account, policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] },
            ];
            const unpacked = level(docs.map((d) => ({ name: d.name, policy: d.doc })));
            const packedChain = level(r.bins.map((b, i) => ({ name: `pack-${i}`, policy: binDocument(b) })));
            for (const request of REQUESTS) {
                const [a, b] = [
                    await decide({ identityPolicies: [ADMINISTRATOR_ACCESS], scps: unpacked, request }),
                    await decide({ identityPolicies: [ADMINISTRATOR_ACCESS], scps: packedChain, request }),
                ];
                assert.equal(b, a, `${names.join(", ")} in ${slots} slot(s): ${request.action} by ${request.principal}`);
                decisions.add(a);
            }
            compared++;
        }
        console.log(`      ${compared} packed guardrail sets compared, ${compared * REQUESTS.length} decisions`);
        assert.ok(compared >= 4, `${compared} sets compared`);
        assert.ok(decisions.has("Allowed") && decisions.has("ExplicitlyDenied"), [...decisions].join(", "));
    });
});

/**
 * Stack config validation: every bad config is rejected before anything is registered,
 * with all problems at once, each naming the full key path, the bad value and what is allowed.
 */
import * as assert from "assert";
import { ConfigError, parseConfig } from "../../components/config";
import { multi, problems } from "./configs";

function hybrid(): Record<string, any> {
    return {
        layout: "hybrid",
        accounts: {
            nonprod: { name: "app-nonprod", email: "aws+nonprod@example.com", environments: ["dev", "test", "staging"] },
            prod: { name: "app-prod", email: "aws+prod@example.com", environments: ["prod"] },
        },
    };
}

/** Asserts one problem names `key` and its message matches `pattern`. */
function rejects(raw: Record<string, unknown>, key: string, pattern: RegExp): void {
    const found = problems(raw);
    const hit = found.find((p) => p.key === key && pattern.test(p.message));
    assert.ok(hit, `no problem at ${key} matching ${pattern}; got:\n${found.map((p) => `${p.key}: ${p.message}`).join("\n")}`);
}

function tweak(base: Record<string, any>, f: (c: any) => void): Record<string, any> {
    const c = structuredClone(base);
    f(c);
    return c;
}

describe("stack config validation", () => {
    it("accepts the baseline configs", () => {
        assert.equal(parseConfig(multi()).layout, "multi-account");
        assert.equal(parseConfig(hybrid()).layout, "hybrid");
        assert.equal(parseConfig({ layout: "single-account" }).environments.length, 4);
    });

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["missing layout", {}, "landing-zone:layout", /single-account, multi-account, hybrid/],
        ["unknown layout", { layout: "multi" }, "landing-zone:layout", /must be one of/],
        ["misspelled top-level key", { layout: "single-account", enviroments: [] }, "landing-zone:enviroments", /not a known key/],
        ["no environments", { layout: "single-account", environments: [] }, "landing-zone:environments", /at least one environment/],
        ["environment name with upper case", { layout: "single-account", environments: [{ name: "Dev" }] }, "landing-zone:environments[0].name", /lower-case/],
        ["duplicate environment", { layout: "single-account", environments: [{ name: "dev" }, { name: "dev" }] }, "landing-zone:environments[1].name", /duplicate/],
        ["environment named like the production tag but not production", { layout: "single-account", environments: [{ name: "prod" }] }, "landing-zone:environments[0].production", /must be true/],
        ["unknown key inside an environment", { layout: "single-account", environments: [{ name: "dev", prod: true }] }, "landing-zone:environments[0].prod", /not a known key/],
        ["invalid tag key (aws: prefix)", { layout: "single-account", environmentTagKey: "aws:env" }, "landing-zone:environmentTagKey", /reserved/],
        ["invalid tag key (characters)", { layout: "single-account", tags: { "cost#center": "x" } }, 'landing-zone:tags["cost#center"]', /not a valid key: it may contain only letters, digits/],
        ["tag value too long", { layout: "single-account", tags: { CostCenter: "x".repeat(257) } }, "landing-zone:tags.CostCenter", /256/],
        ["environment tag set by hand", { layout: "single-account", tags: { Environment: "dev" } }, "landing-zone:tags.Environment", /set by the landing zone/],
        ["too many tags", { layout: "single-account", tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"])) }, "landing-zone:tags", /AWS allows 50/],
        ["accounts in single-account", { layout: "single-account", accounts: multi().accounts }, "landing-zone:accounts", /not allowed when layout is single-account/],
        ["organization in single-account", { layout: "single-account", organization: {} }, "landing-zone:organization", /not allowed/],
        ["no accounts in multi-account", { layout: "multi-account" }, "landing-zone:accounts", /at least one member account/],
        ["bad email", tweak(multi(), (c) => (c.accounts.dev.email = "dev.example.com")), "landing-zone:accounts.dev.email", /one '@'/],
        ["email too short", tweak(multi(), (c) => (c.accounts.dev.email = "a@b.c")), "landing-zone:accounts.dev.email", /6-64/],
        ["email without a dotted domain", tweak(multi(), (c) => (c.accounts.dev.email = "aws@example")), "landing-zone:accounts.dev.email", /domain with a dot/],
        ["duplicate account name", tweak(multi(), (c) => (c.accounts.test.name = "APP-DEV")), "landing-zone:accounts.test.name", /already the name of account 'dev'/],
        ["duplicate account email", tweak(multi(), (c) => (c.accounts.test.email = "AWS+dev@example.com")), "landing-zone:accounts.test.email", /already the email of account 'dev'/],
        ["account name too long", tweak(multi(), (c) => (c.accounts.dev.name = "x".repeat(51))), "landing-zone:accounts.dev.name", /1-50 printable ASCII/],
        ["account name not ASCII", tweak(multi(), (c) => (c.accounts.dev.name = "dév")), "landing-zone:accounts.dev.name", /ASCII/],
        ["account key with capitals", tweak(multi(), (c) => (c.accounts.Dev = c.accounts.dev)), "landing-zone:accounts.Dev", /not a valid key: it must be 1-40 characters: lower-case/],
        [
            "unknown environment on an account",
            tweak(multi(), (c) => (c.accounts.dev.environments = ["qa"])),
            "landing-zone:accounts.dev.environments[0]",
            /not a declared environment; declared: dev, test, staging, prod/,
        ],
        ["environment hosted by no account", tweak(multi(), (c) => delete c.accounts.test), "landing-zone:environments[1].name", /hosted by no account/],
        ["account in a missing OU", tweak(multi(), (c) => (c.accounts.dev.ou = "sandbox")), "landing-zone:accounts.dev.ou", /unknown OU; known OUs: workloads, nonprod, prod/],
        ["OU with unknown parent", tweak(multi(), (c) => (c.organizationalUnits.prod.parent = "missing")), "landing-zone:organizationalUnits.prod.parent", /unknown OU/],
        ["OU cycle", tweak(multi(), (c) => (c.organizationalUnits.workloads.parent = "prod")), "landing-zone:organizationalUnits.workloads.parent", /cycle/],
        [
            "OU depth 6",
            tweak(multi(), (c) => {
                const chain = ["l1", "l2", "l3", "l4", "l5", "l6"];
                chain.forEach((k, i) => (c.organizationalUnits[k] = { parent: i ? chain[i - 1] : undefined }));
                c.organizationalUnits.l1 = {};
            }),
            "landing-zone:organizationalUnits.l6",
            /nested 6 levels.*at most 5/,
        ],
        ["sibling OUs with one name", tweak(multi(), (c) => (c.organizationalUnits.prod.name = "nonprod")), "landing-zone:organizationalUnits.prod.name", /sibling OU names must be unique/],
        [
            "production sharing an account with non-production",
            tweak(multi(), (c) => (c.accounts.staging.environments = ["staging", "prod"])),
            "landing-zone:accounts.staging.environments",
            /mixes production and non-production/,
        ],
        ["multi-account account hosting two environments", tweak(multi(), (c) => (c.accounts.dev.environments = ["dev", "test"])), "landing-zone:accounts.dev.environments", /at most one/],
        [
            "production account under a non-production OU",
            tweak(multi(), (c) => (c.accounts.prod.ou = "nonprod")),
            "landing-zone:accounts.prod.ou",
            /production account under OU 'nonprod', which is declared non-production/,
        ],
        ["account with no environment and no class", tweak(multi(), (c) => (c.accounts.sec = { name: "sec", email: "aws+sec@example.com" })), "landing-zone:accounts.sec.environmentClass", /required/],
        ["existing account ID not 12 digits", tweak(multi(), (c) => (c.accounts.dev.existingId = "12345")), "landing-zone:accounts.dev.existingId", /12-digit/],
        ["bad OU ID", tweak(multi(), (c) => (c.organizationalUnits.prod.existingId = "prod-ou")), "landing-zone:organizationalUnits.prod.existingId", /ou-/],
        ["bad organization ID", tweak(multi(), (c) => (c.organization = { existingId: "org-1" })), "landing-zone:organization.existingId", /o-/],
        [
            "bad service principal",
            tweak(multi(), (c) => (c.organization = { awsServiceAccessPrincipals: ["cloudtrail"] })),
            "landing-zone:organization.awsServiceAccessPrincipals[0]",
            /service principal/,
        ],
        ["bad role name", tweak(multi(), (c) => (c.accounts.dev.roleName = "has space")), "landing-zone:accounts.dev.roleName", /1-64/],
        ["bad billing access", tweak(multi(), (c) => (c.accounts.dev.iamUserAccessToBilling = "YES")), "landing-zone:accounts.dev.iamUserAccessToBilling", /ALLOW|DENY/],
        ["closeOnDeletion not a boolean", tweak(multi(), (c) => (c.accounts.dev.closeOnDeletion = "yes")), "landing-zone:accounts.dev.closeOnDeletion", /boolean/],
        ["unknown identity account", tweak(multi(), (c) => (c.identityAccount = "identity")), "landing-zone:identityAccount", /'management' or the key of a declared account/],
        [
            "hybrid with two non-production accounts",
            tweak(hybrid(), (c) => {
                c.accounts.nonprod.environments = ["dev", "test"];
                c.accounts.staging = { name: "app-staging", email: "aws+staging@example.com", environments: ["staging"] };
            }),
            "landing-zone:accounts",
            /share exactly one account/,
        ],
        [
            "hybrid shared account missing an environment",
            tweak(hybrid(), (c) => {
                c.accounts.nonprod.environments = ["dev", "test"];
                c.environments = [{ name: "dev" }, { name: "test" }, { name: "staging" }, { name: "prod", production: true }];
                c.accounts.prod.environments = ["prod", "staging"];
            }),
            "landing-zone:accounts.prod.environments",
            /mixes production and non-production/,
        ],
    ];

    for (const [title, raw, key, pattern] of cases) {
        it(`rejects: ${title}`, () => rejects(raw, key, pattern));
    }

    it("reports every problem at once, each with its value", () => {
        const found = problems(
            tweak(multi(), (c) => {
                c.accounts.dev.email = "nope";
                c.accounts.test.ou = "missing";
                c.layuot = "x";
            }),
        );
        const keys = found.map((p) => p.key);
        assert.ok(keys.includes("landing-zone:accounts.dev.email"));
        assert.ok(keys.includes("landing-zone:accounts.test.ou"));
        assert.ok(keys.includes("landing-zone:layuot"));
        assert.equal(found.find((p) => p.key === "landing-zone:accounts.test.ou")!.value, "missing");
        const message = new ConfigError(found).message;
        assert.match(message, /landing-zone:accounts\.dev\.email: .*\(got "nope"\)/);
    });

    it("applies the documented defaults", () => {
        const c = parseConfig(multi());
        assert.equal(c.environmentTagKey, "Environment");
        assert.deepEqual(
            c.environments.map((e) => [e.name, e.production]),
            [
                ["dev", false],
                ["test", false],
                ["staging", false],
                ["prod", true],
            ],
        );
        assert.equal(c.accounts.dev.roleName, "OrganizationAccountAccessRole");
        assert.equal(c.accounts.dev.closeOnDeletion, false);
        assert.equal(c.accounts.dev.iamUserAccessToBilling, "DENY");
        assert.equal(c.identityAccount, "management");
    });
});

describe("renames in config", () => {
    it("rejects a former key that is still in use", () => {
        const c = structuredClone(multi());
        c.accounts.dev.formerKeys = ["test"];
        rejects(c, "landing-zone:accounts.dev.formerKeys[0]", /key of a current entry/);
    });
});

describe("Pulumi.yaml config declarations", () => {
    // The CLI applies these defaults before the program runs: they must be the schema's own.
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const { parse } = require("yaml") as typeof import("yaml");
    const project = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8"));
    const declared: Record<string, { type?: string; default?: unknown }> = project.config;

    it("declares only keys the schema knows, and only layout without a default", () => {
        const defaults = parseConfig({ layout: "single-account" }) as Record<string, unknown>;
        for (const key of Object.keys(declared)) assert.ok(key in defaults || key === "layout", `${key} is a schema key`);
        const required = Object.entries(declared)
            .filter(([, d]) => !("default" in d))
            .map(([k]) => k);
        assert.deepEqual(required, ["layout"], "a key declared without a default is required in every stack");
    });

    it("declares the schema's defaults", () => {
        const defaults = parseConfig({ layout: "single-account" }) as Record<string, unknown>;
        for (const [key, d] of Object.entries(declared)) {
            if ("default" in d) assert.deepEqual(defaults[key], d.default, key);
        }
    });
});

/**
 * Bad configs, table-driven: every problem of every stage at once, each naming its key, in the
 * project's wording (never zod's), with no follow-on error about an entry that failed to parse.
 */
import * as assert from "assert";
import type { ConfigProblem } from "../../components/config";
import { multi, problems } from "./configs";

/** A valid multi-account config with a user, that each case breaks. */
function withUser(): Record<string, any> {
    return { ...multi(), users: { alice: { teams: ["developers"] } } };
}

function tweak(f: (c: any) => void): Record<string, any> {
    const c = withUser();
    f(c);
    return c;
}

/** withUser() with a security baseline: a log archive and an audit account of their own. */
function withBaseline(f: (c: any) => void = () => undefined): Record<string, any> {
    const c = withUser();
    c.organizationalUnits.security = { name: "Security", environmentClass: "production" };
    c.accounts["log-archive"] = { name: "app-log-archive", email: "aws+log-archive@example.com", ou: "security", environmentClass: "production" };
    c.accounts.audit = { name: "app-audit", email: "aws+audit@example.com", ou: "security", environmentClass: "production" };
    c.security = { logArchiveAccount: "log-archive", auditAccount: "audit", regions: ["eu-west-1"] };
    f(c);
    return c;
}

const show = (ps: ConfigProblem[]) => ps.map((p) => `  ${p.key}: ${p.message}`).join("\n");
const tags = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "v"]));

interface Case {
    title: string;
    raw: Record<string, unknown>;
    /** Every one must be reported: the key, and a message matching the pattern. */
    expect: [string, RegExp][];
    /** None of these may be reported (follow-on errors). */
    absent?: [string, RegExp][];
    /** The exact number of problems, where it matters. */
    count?: number;
}

const CASES: Case[] = [
    {
        title: "a schema error in one account hides neither a duplicate email in another nor an unknown team in users",
        raw: tweak((c) => {
            c.accounts.dev.iamUserAccessToBilling = "YES";
            c.accounts.test.email = "aws+staging@example.com";
            c.users.bob = { teams: ["devs"] };
        }),
        expect: [
            ["landing-zone:accounts.dev.iamUserAccessToBilling", /must be one of ALLOW, DENY/],
            ["landing-zone:accounts.staging.email", /already the email of account 'test'/],
            ["landing-zone:users.bob.teams[0]", /not a known team; teams: .*developers/],
        ],
        count: 3,
    },
    {
        title: "a misspelled reference names the nearest declared one: team, OU, environment",
        raw: tweak((c) => {
            c.users.alice.teams = ["developrs"];
            c.accounts.test.ou = "nonprd";
            c.accounts.staging.environments = ["stagign"];
        }),
        expect: [
            ["landing-zone:users.alice.teams[0]", /not a known team \(did you mean 'developers'\?\); teams: /],
            ["landing-zone:accounts.test.ou", /names an unknown OU \(did you mean 'nonprod'\?\); known OUs: /],
            ["landing-zone:accounts.staging.environments[0]", /not a declared environment \(did you mean 'staging'\?\); declared: /],
        ],
    },
    {
        title: "identity: a schema error in identity hides neither an unknown team of a directory user nor a misspelled delegated administrator",
        raw: tweak((c) => {
            c.identity = {
                source: "iam-users+identity-center",
                sessionDuration: "PT13H",
                delegatedAdministrator: "stagng",
                users: { "carol@example.com": { displayName: "Carol", email: "carol@example.com", teams: ["developrs"] } },
            };
        }),
        expect: [
            ["landing-zone:identity.sessionDuration", /must be an ISO 8601 duration from PT1H to PT12H/],
            ["landing-zone:identity.delegatedAdministrator", /must be the key of a declared member account \(did you mean 'staging'\?\)/],
            ['landing-zone:identity.users["carol@example.com"].teams[0]', /not a known team \(did you mean 'developers'\?\)/],
        ],
        count: 3,
    },
    {
        title: "identity: Identity Center settings without Identity Center, and Identity Center in single-account",
        raw: { layout: "single-account", identity: { source: "identity-center" } },
        expect: [["landing-zone:identity.source", /needs an organization instance of IAM Identity Center/]],
        count: 1,
    },
    {
        title: "an unknown top-level key: the nearest valid key and the valid keys",
        raw: { ...withUser(), acounts: {} },
        expect: [["landing-zone:acounts", /not a known key \(did you mean 'accounts'\?\); the keys allowed here are layout, application, .*organizationalUnits, accounts/]],
        count: 1,
    },
    {
        title: "a misspelled layout key is unknown (with the suggestion), and layout is required",
        raw: (() => {
            const c = withUser();
            delete c.layout;
            c.layuot = "multi-account";
            return c;
        })(),
        expect: [
            ["landing-zone:layuot", /not a known key \(did you mean 'layout'\?\)/],
            ["landing-zone:layout", /is required: one of single-account, multi-account, hybrid/],
        ],
    },
    {
        title: "without a layout, the layout-independent rules still run",
        raw: (() => {
            const c = withUser();
            delete c.layout;
            c.accounts.test.email = c.accounts.dev.email;
            return c;
        })(),
        expect: [
            ["landing-zone:layout", /is required/],
            ["landing-zone:accounts.test.email", /already the email of account 'dev'/],
        ],
    },
    {
        title: "an unknown key inside an account: the nearest key",
        raw: tweak((c) => (c.accounts.dev.emial = "x@example.com")),
        expect: [["landing-zone:accounts.dev.emial", /not a known key \(did you mean 'email'\?\); the keys allowed here are name, email, ou/]],
    },
    {
        title: "a list where a map is expected, in the project's wording with the allowed form",
        raw: { ...withUser(), accounts: [{ name: "app-dev" }] },
        expect: [["landing-zone:accounts", /^must be a map of keys to objects with the keys name, email, .* \(got a list\)$/]],
    },
    {
        title: "a map where a list is expected",
        raw: { ...withUser(), environments: { dev: {} } },
        expect: [["landing-zone:environments", /^must be a list of objects with the keys name, production \(got a map\)$/]],
    },
    {
        title: "a wrong identity account value names the allowed form",
        raw: { ...withUser(), identityAccount: "Security Account" },
        expect: [["landing-zone:identityAccount", /^must be 'management' or the key of a declared account/]],
    },
    {
        title: "tags per resource: 40 global and 10 account tags with the generated ones exceed 50",
        raw: tweak((c) => {
            c.application = "app1";
            c.tags = tags(40, "g");
            c.accounts.dev.tags = tags(10, "a");
            c.accounts.dev.owner = "platform-team@example.com";
        }),
        // 40 + 10 + ManagedBy, Application, Owner and Environment.
        expect: [["landing-zone:accounts.dev.tags", /\(ManagedBy, Application, Owner, the environment tag\), give account dev 54 tags; AWS allows 50 per resource/]],
    },
    {
        title: "tags per resource: the global tags alone, on the roles",
        // 48 + ManagedBy, Environment and, on admin roles and policies, AccessLevel.
        raw: tweak((c) => (c.tags = tags(48, "g"))),
        expect: [
            [
                "landing-zone:tags",
                /together with the ones the landing zone adds \(ManagedBy, AccessLevel, the environment tag\), give (role|policy) lz-prod-admin in account prod 51 tags; AWS allows 50 per resource/,
            ],
        ],
        count: 1,
    },
    {
        title: "two accounts adopting the same existing account",
        raw: tweak((c) => {
            c.accounts.dev.existingId = "111122223333";
            c.accounts.test.existingId = "111122223333";
        }),
        expect: [["landing-zone:accounts.test.existingId", /already the existingId of account 'dev'; one existing account can be adopted by one entry only/]],
        count: 1,
    },
    {
        title: "two OUs adopting the same existing OU",
        raw: tweak((c) => {
            c.organizationalUnits.nonprod.existingId = "ou-ab12-cd34ef56";
            c.organizationalUnits.prod.existingId = "ou-ab12-cd34ef56";
        }),
        expect: [["landing-zone:organizationalUnits.prod.existingId", /already the existingId of OU 'nonprod'/]],
        count: 1,
    },
    {
        title: "an account ID that arrived as a number (unquoted in YAML, leading zero lost)",
        raw: tweak((c) => (c.accounts.dev.existingId = 12345678901)),
        expect: [["landing-zone:accounts.dev.existingId", /in quotes: it arrived as the number 12345678901 .*quote account IDs/]],
        count: 1,
    },
    {
        title: "a trusted vendor account ID that arrived as a number",
        raw: { ...withUser(), guardrails: { trustedExternalAccountIds: [210987654321] } },
        expect: [["landing-zone:guardrails.trustedExternalAccountIds[0]", /quote account IDs/]],
    },
    {
        title: "reserved tag prefix, as a value and as a map key, worded as a rule",
        raw: { ...withUser(), environmentTagKey: "aws:env", tags: { "aws:team": "x" } },
        expect: [
            ["landing-zone:environmentTagKey", /^must not start with 'aws:', a prefix reserved by AWS$/],
            ['landing-zone:tags["aws:team"]', /^is not a valid key: it must not start with 'aws:', a prefix reserved by AWS$/],
        ],
    },
    {
        title: "a malformed OU entry: no follow-on 'unknown OU' for the accounts and OUs under it",
        raw: tweak((c) => (c.organizationalUnits.nonprod.name = "x".repeat(200))),
        expect: [["landing-zone:organizationalUnits.nonprod.name", /1-128 printable ASCII/]],
        absent: [["landing-zone:accounts.dev.ou", /.*/]],
        count: 1,
    },
    {
        title: "an OU cycle: reported once, nothing about the OUs and accounts below it",
        raw: tweak((c) => (c.organizationalUnits.workloads.parent = "prod")),
        expect: [["landing-zone:organizationalUnits.workloads.parent", /forms a cycle \(workloads -> prod -> workloads\)/]],
        absent: [
            ["landing-zone:organizationalUnits.nonprod.parent", /.*/],
            ["landing-zone:accounts.dev.ou", /.*/],
        ],
        count: 1,
    },
    {
        title: "an unknown parent OU: reported once, on the OU that names it",
        raw: tweak((c) => {
            c.organizationalUnits.workloads.parent = "platform";
        }),
        expect: [["landing-zone:organizationalUnits.workloads.parent", /names an unknown OU/]],
        count: 1,
    },
    {
        title: "a malformed team: no follow-on 'unknown team' for its members",
        raw: { ...withUser(), teams: { developers: { access: { dev: "owner" } }, qe: { access: { test: "write" } } } },
        expect: [["landing-zone:teams.developers.access.dev", /must be one of none, read, write, admin/]],
        absent: [["landing-zone:users.alice.teams[0]", /.*/]],
        count: 1,
    },
    {
        title: "a malformed environment: no follow-on errors about the accounts and budgets naming it",
        raw: tweak((c) => {
            c.environments = [{ name: "dev" }, { name: "test" }, { name: "staging" }, { name: "prod", production: true, prodution: true }];
            c.budgets = { alertEmails: ["finops@example.com"], monthlyLimits: { prod: 10 } };
        }),
        expect: [["landing-zone:environments[3].prodution", /not a known key \(did you mean 'production'\?\)/]],
        absent: [
            ["landing-zone:accounts.prod.environments[0]", /.*/],
            ["landing-zone:budgets.monthlyLimits.prod", /.*/],
            ["landing-zone:environments", /hosted by no account/],
        ],
        count: 1,
    },
    {
        title: "a broken allowedRegions: no follow-on about the region allow-list needing it",
        raw: { ...withUser(), guardrails: { allowedRegions: ["Europe"], attachments: { root: ["region-allow-list"] } } },
        expect: [["landing-zone:guardrails.allowedRegions[0]", /AWS region code/]],
        absent: [["landing-zone:guardrails.attachments.root[0]", /.*/]],
        count: 1,
    },
    {
        title: "a broken mfaEnrolment: no follow-on about a user's enrolMfa",
        raw: { ...withUser(), mfaEnrolment: "group", users: { alice: { teams: ["developers"], enrolMfa: true } } },
        expect: [["landing-zone:mfaEnrolment", /self-service, enrolment-group/]],
        count: 1,
    },
    {
        title: "a broken account entry: no follow-on 'unknown account' in guardrails or budgets, no unhosted environment",
        raw: tweak((c) => {
            c.accounts.dev.email = "dev-at-example.com";
            c.guardrails = { attachments: { accounts: { dev: ["deny-iam-users"] } } };
        }),
        expect: [["landing-zone:accounts.dev.email", /one '@'/]],
        absent: [
            ["landing-zone:guardrails.attachments.accounts.dev", /.*/],
            ["landing-zone:environments[0].name", /.*/],
        ],
        count: 1,
    },
    {
        title: "a number where text is expected names the form and what came",
        raw: tweak((c) => (c.accounts.dev.name = 42)),
        expect: [["landing-zone:accounts.dev.name", /^must be text \(got a number\)$/]],
    },
    {
        title: "a missing required key in an entry",
        raw: tweak((c) => delete c.accounts.dev.email),
        expect: [["landing-zone:accounts.dev.email", /^is required: text$/]],
    },
    {
        title: "a guardrails section of the wrong type",
        raw: { ...withUser(), guardrails: ["deny-root-user"] },
        expect: [["landing-zone:guardrails", /^must be an object with the keys baseline, platformRoleName, .* \(got a list\)$/]],
        count: 1,
    },
    {
        title: "security: the log archive in the management account, an unknown audit account, regions outside the allowed list",
        raw: withBaseline((c) => {
            c.guardrails = { allowedRegions: ["eu-west-1", "eu-central-1"] };
            c.security.logArchiveAccount = "management";
            c.security.auditAccount = "audti";
            c.security.regions = ["eu-west-1", "us-west-2"];
        }),
        expect: [
            ["landing-zone:security.logArchiveAccount", /must be a member account, not the management account/],
            ["landing-zone:security.auditAccount", /names an unknown account \(did you mean 'audit'\?\); declared accounts: .*log-archive/],
            ["landing-zone:security.regions[1]", /is outside guardrails.allowedRegions \(eu-west-1, eu-central-1\)/],
        ],
        count: 3,
    },
    {
        title: "security: one account for both roles, an account hosting an environment, a home region outside the regions",
        raw: withBaseline((c) => {
            c.security.auditAccount = "log-archive";
            c.security.logArchiveAccount = "dev";
            c.security.homeRegion = "us-east-1";
        }),
        expect: [
            ["landing-zone:security.logArchiveAccount", /must be an account that hosts no environment \(it hosts dev\)/],
            ["landing-zone:security.homeRegion", /must be one of security.regions \(eu-west-1\)/],
        ],
    },
    {
        title: "security: a broken baseline attached by name gives no follow-on 'nothing to protect'",
        raw: withBaseline((c) => {
            c.security.logArchiveAccount = "log-archve";
            c.guardrails = { ...c.guardrails, attachments: { accounts: { audit: ["protect-security-baseline"] } } };
        }),
        expect: [["landing-zone:security.logArchiveAccount", /names an unknown account \(did you mean 'log-archive'\?\)/]],
        absent: [["landing-zone:guardrails.attachments.accounts.audit", /no security baseline to protect/]],
        count: 1,
    },
    {
        title: "security: log archive and audit the same account",
        raw: withBaseline((c) => (c.security.auditAccount = "log-archive")),
        expect: [["landing-zone:security.auditAccount", /must differ from logArchiveAccount/]],
        count: 1,
    },
    {
        title: "security: required accounts and regions, trusted access the delegations need, a lifecycle that expires before it archives",
        raw: withBaseline((c) => {
            c.security = { logArchive: { transitionDays: 90, expirationDays: 30 } };
            c.organization = { awsServiceAccessPrincipals: ["cloudtrail.amazonaws.com"] };
        }),
        expect: [
            ["landing-zone:security.logArchiveAccount", /is required when layout is multi-account/],
            ["landing-zone:security.auditAccount", /is required when layout is multi-account/],
            ["landing-zone:security.regions", /is required when guardrails.allowedRegions is not set/],
            ["landing-zone:organization.awsServiceAccessPrincipals", /must include guardduty.amazonaws.com/],
            ["landing-zone:security.logArchive.expirationDays", /must be more than transitionDays \(90\)/],
        ],
    },
    {
        title: "security: bad values in the section name the key and what is allowed",
        raw: withBaseline((c) => {
            c.security.accessAnalyzer = { unusedAccessAge: 400 };
            c.security.securityHub = { standards: ["cis"] };
            c.security.logArchive = { bucketName: "Logs_Bucket" };
        }),
        expect: [
            ["landing-zone:security.accessAnalyzer.unusedAccessAge", /must be at most 365 days/],
            ["landing-zone:security.securityHub.standards[0]", /must be one of aws-foundational-security-best-practices\/v\/1.0.0/],
            ["landing-zone:security.logArchive.bucketName", /must be an S3 bucket name/],
        ],
    },
    {
        title: "security in single-account: no member accounts, no Security Hub or Config, the deployment roles required",
        raw: {
            layout: "single-account",
            users: { alice: { teams: ["developers"] } },
            security: { logArchiveAccount: "logs", securityHub: { enabled: true }, config: {}, regions: ["eu-west-1"] },
        },
        expect: [
            ["landing-zone:security.logArchiveAccount", /is not allowed when layout is single-account/],
            ["landing-zone:security.securityHub", /is not part of the single-account baseline/],
            ["landing-zone:security.config", /is not part of the single-account baseline/],
            ["landing-zone:security.deploymentRoleNames", /is required in single-account/],
        ],
        count: 4,
    },
    {
        title: "security: a broken account entry gives no follow-on 'unknown account'",
        raw: withBaseline((c) => {
            c.accounts.audit.email = "audit-at-example.com";
        }),
        expect: [["landing-zone:accounts.audit.email", /one '@'/]],
        absent: [["landing-zone:security.auditAccount", /.*/]],
        count: 1,
    },
    {
        title: "protect-security-baseline attached without a security baseline",
        raw: tweak((c) => (c.guardrails = { attachments: { accounts: { dev: ["protect-security-baseline"] } } })),
        expect: [["landing-zone:guardrails.attachments.accounts.dev", /no security baseline to protect: set landing-zone:security/]],
        count: 1,
    },
];

describe("config problems: every stage, every problem, clearly", () => {
    for (const c of CASES) {
        it(c.title, () => {
            const found = problems(c.raw);
            for (const [key, pattern] of c.expect) {
                assert.ok(
                    found.some((p) => p.key === key && pattern.test(p.message)),
                    `no problem at ${key} matching ${pattern}; got:\n${show(found)}`,
                );
            }
            for (const [key, pattern] of c.absent ?? []) {
                assert.ok(!found.some((p) => p.key === key && pattern.test(p.message)), `follow-on problem at ${key}:\n${show(found)}`);
            }
            if (c.count !== undefined) assert.equal(found.length, c.count, `expected ${c.count} problem(s), got:\n${show(found)}`);
            for (const p of found) {
                assert.doesNotMatch(p.message, /Invalid input|Invalid option|expected \w+, received|Too (small|big)|\bit the\b/, `zod's or broken wording at ${p.key}: ${p.message}`);
            }
        });
    }
});

/**
 * Identity config: the default source, the shipped Identity Center stack, and bad values
 * rejected before anything is registered, each with the key named and what is allowed.
 */
import { strict as assert } from "assert";
import { parseConfig } from "../../components/config";
import { isoDurationSeconds } from "../../components/identity/config";
import { rawStackConfig } from "../helpers/program";
import { GROUP_ID, problems, prodSso, shippedTeams, withIdentity } from "./support";

function expectProblem(raw: Record<string, unknown>, key: string, pattern: RegExp): void {
    const found = problems(raw);
    const hit = found.find((p) => p.key === key && pattern.test(p.message));
    assert.ok(hit, `expected a problem at ${key} matching ${pattern}; got ${JSON.stringify(found, null, 1)}`);
}

describe("identity config", () => {
    it("defaults to IAM users: the shipped dev and prod stacks keep today's model", () => {
        for (const stack of ["dev", "prod"]) {
            const cfg = parseConfig(rawStackConfig(stack));
            assert.deepEqual(cfg.identity, { source: "iam-users", users: {} });
        }
    });

    it("the shipped prod-sso stack parses: Identity Center, no IAM users, people in the directory", () => {
        assert.deepEqual(problems(prodSso()), []);
        const cfg = parseConfig(prodSso());
        assert.equal(cfg.identity.source, "identity-center");
        assert.deepEqual(cfg.users, {});
        assert.equal(cfg.identity.instanceArn, undefined, "the instance is looked up");
        assert.ok(Object.keys(cfg.identity.users).length >= 6);
    });

    it("reads ISO 8601 durations as Identity Center does", () => {
        assert.equal(isoDurationSeconds("PT1H"), 3600);
        assert.equal(isoDurationSeconds("PT12H"), 43200);
        assert.equal(isoDurationSeconds("PT1H30M"), 5400);
        assert.equal(isoDurationSeconds("PT90M"), 5400);
        assert.equal(isoDurationSeconds("P1D"), 86400);
        for (const bad of ["8h", "PT", "P", "PT-1H", "T1H", "PT1.5H"]) assert.equal(isoDurationSeconds(bad), undefined, bad);
    });

    it("a session duration over 12 hours, under one, or not ISO 8601", () => {
        for (const d of ["PT13H", "PT12H1M", "P1D"]) expectProblem(withIdentity(prodSso(), { sessionDuration: d }), "landing-zone:identity.sessionDuration", /PT1H to PT12H.*at most 12 hours/);
        expectProblem(withIdentity(prodSso(), { sessionDuration: "PT30M" }), "landing-zone:identity.sessionDuration", /PT1H to PT12H/);
        expectProblem(withIdentity(prodSso(), { sessionDuration: "8 hours" }), "landing-zone:identity.sessionDuration", /ISO 8601/);
        assert.deepEqual(problems(withIdentity(prodSso(), { sessionDuration: "PT12H" })), []);
    });

    it("a malformed directory group ID, and one group for two teams", () => {
        expectProblem({ ...prodSso(), teams: shippedTeams({ developers: "developers" }) }, "landing-zone:teams.developers.directoryGroupId", /identity store group ID/);
        expectProblem(
            { ...prodSso(), teams: shippedTeams({ developers: "9067a2e5c1_1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d" }) },
            "landing-zone:teams.developers.directoryGroupId",
            /identity store group ID/,
        );
        expectProblem(
            { ...prodSso(), teams: shippedTeams({ developers: GROUP_ID.developers, qe: GROUP_ID.developers }) },
            "landing-zone:teams.qe.directoryGroupId",
            /also the directory group of team 'developers'/,
        );
        // People of directory groups come from the directory: none of prod-sso's own users then.
        assert.deepEqual(problems(withIdentity({ ...prodSso(), teams: shippedTeams(GROUP_ID) }, { users: {} })), []);
    });

    it("an unknown team, a team listed twice, and a directory (SCIM) team for a person of the Identity Center directory", () => {
        const user = (teams: string[]) => withIdentity(prodSso(), { users: { "alice@example.com": { displayName: "Alice", email: "alice@example.com", teams } } });
        expectProblem(user(["developer"]), 'landing-zone:identity.users["alice@example.com"].teams[0]', /not a known team \(did you mean 'developers'\?\); teams: .*developers/);
        expectProblem(user(["qe", "qe"]), 'landing-zone:identity.users["alice@example.com"].teams[1]', /listed twice/);
        const scim = { ...user(["developers"]), teams: shippedTeams(GROUP_ID) };
        expectProblem(scim, 'landing-zone:identity.users["alice@example.com"].teams[0]', /directory group .*SCIM/);
    });

    it("bad instance, store, relay state, user names and emails", () => {
        expectProblem(withIdentity(prodSso(), { instanceArn: "ssoins-0123456789abcdef" }), "landing-zone:identity.instanceArn", /instance ARN such as arn:aws:sso:::instance\/ssoins-/);
        expectProblem(withIdentity(prodSso(), { identityStoreId: "store-1" }), "landing-zone:identity.identityStoreId", /d-0123456789/);
        expectProblem(withIdentity(prodSso(), { relayState: "x".repeat(241) }), "landing-zone:identity.relayState", /1-240 characters/);
        expectProblem(withIdentity(prodSso(), { source: "sso" }), "landing-zone:identity.source", /iam-users, identity-center, iam-users\+identity-center/);
        expectProblem(withIdentity(prodSso(), { users: { "alice example": { displayName: "A", email: "alice@example.com" } } }), 'landing-zone:identity.users["alice example"]', /without spaces/);
        expectProblem(withIdentity(prodSso(), { users: { alice: { displayName: "A", email: "alice" } } }), "landing-zone:identity.users.alice.email", /email address/);
        expectProblem(withIdentity(prodSso(), { users: { alice: { displayName: "A", email: "a@example.com", givenName: "A" } } }), "landing-zone:identity.users.alice.familyName", /together/);
    });

    it("the single-account layout: an account instance has no permission sets nor account assignments", () => {
        expectProblem(
            { ...rawStackConfig("dev"), users: {}, identity: { source: "identity-center" } },
            "landing-zone:identity.source",
            /organization instance.*account instance.*neither permission sets nor account assignments/,
        );
        expectProblem({ ...rawStackConfig("dev"), identity: { source: "iam-users+identity-center" } }, "landing-zone:identity.source", /multi-account or hybrid/);
    });

    it("IAM users with identity-center alone, and Identity Center keys without Identity Center", () => {
        expectProblem({ ...prodSso(), users: { alice: { teams: ["developers"] } } }, "landing-zone:users", /identity.source is identity-center.*iam-users\+identity-center/);
        assert.deepEqual(problems(withIdentity({ ...prodSso(), users: { alice: { teams: ["developers"] } } }, { source: "iam-users+identity-center" })), [], "migration: both");
        const prod = rawStackConfig("prod");
        expectProblem({ ...prod, identity: { sessionDuration: "PT4H" } }, "landing-zone:identity.sessionDuration", /no effect unless identity.source/);
        expectProblem({ ...prod, identity: { users: { "a@example.com": { displayName: "A", email: "a@example.com" } } } }, "landing-zone:identity.users", /IAM Identity Center users/);
        expectProblem({ ...prod, teams: shippedTeams(GROUP_ID) }, "landing-zone:teams.developers.directoryGroupId", /set identity.source/);
    });

    it("trusted access for Identity Center, and a delegated administrator that is a declared member account", () => {
        const org = prodSso()["organization"] as Record<string, unknown>;
        const principals = (org.awsServiceAccessPrincipals as string[]).filter((p) => p !== "sso.amazonaws.com");
        expectProblem({ ...prodSso(), organization: { ...org, awsServiceAccessPrincipals: principals } }, "landing-zone:organization.awsServiceAccessPrincipals", /must include sso.amazonaws.com/);
        expectProblem(withIdentity(prodSso(), { delegatedAdministrator: "identity" }), "landing-zone:identity.delegatedAdministrator", /declared member account \(security, log-archive, dev,/);
        assert.deepEqual(problems(withIdentity(prodSso(), { delegatedAdministrator: "security" })), []);
    });

    it("permission set names fit IAM Identity Center's 32 characters", () => {
        const environments = [
            { name: "development-sandbox", production: false }, // lz-development-sandbox-write-iam: 32
            { name: "production-eu-west-1", production: true }, // lz-production-eu-west-1-admin: 29
        ];
        const accounts = {
            dev: { name: "a-dev", email: "aws+a-dev@example.com", environments: ["development-sandbox"] },
            prod: { name: "a-prod", email: "aws+a-prod@example.com", environments: ["production-eu-west-1"] },
        };
        const base = { layout: "multi-account", environments, accounts, identity: { source: "identity-center" } };
        const teams = (env: string) => ({ builders: { access: { [env]: "write", "production-eu-west-1": "admin" }, iamAdmin: [env] } });
        assert.deepEqual(problems({ ...base, teams: teams("development-sandbox") }), []);
        const longer = {
            ...base,
            environments: [{ name: "development-sandbox1", production: false }, environments[1]],
            accounts: { ...accounts, dev: { ...accounts.dev, environments: ["development-sandbox1"] } },
            teams: teams("development-sandbox1"),
        };
        expectProblem(
            longer,
            "landing-zone:environments[0].name",
            /'lz-development-sandbox1-write-iam' \(33 characters\); IAM Identity Center allows 32: shorten the environment name to 19 characters/,
        );
    });

    it("reports every identity problem at once, shape and cross-key rules together", () => {
        const raw = withIdentity(
            { ...prodSso(), users: { alice: { teams: ["developers"] } }, teams: shippedTeams({ developers: GROUP_ID.developers }) },
            {
                sessionDuration: "PT24H",
                delegatedAdministrator: "nowhere",
                users: { "bob@example.com": { displayName: "Bob", email: "bob@example.com", teams: ["nobody", "developers"] } },
            },
        );
        assert.deepEqual(
            problems(raw).map((p) => p.key),
            [
                "landing-zone:identity.sessionDuration",
                "landing-zone:users",
                "landing-zone:identity.delegatedAdministrator",
                'landing-zone:identity.users["bob@example.com"].teams[0]',
                'landing-zone:identity.users["bob@example.com"].teams[1]',
            ],
        );
    });
});

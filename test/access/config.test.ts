/**
 * Access config: defaults, and bad values rejected with the key path named.
 */
import { strict as assert } from "assert";
import { parseConfig } from "../../components/config";
import { rawStackConfig } from "../helpers/program";
import { configProblems as problems } from "./support";

function expectProblem(raw: Record<string, unknown>, key: string, pattern: RegExp): void {
    const found = problems(raw);
    const hit = found.find((p) => p.key === key);
    assert.ok(hit, `expected a problem at ${key}; got ${JSON.stringify(found)}`);
    assert.match(hit!.message, pattern);
}

const dev = () => rawStackConfig("dev");
const prod = () => rawStackConfig("prod");
const teams = (t: Record<string, unknown>) => ({ teams: t });

describe("access config", () => {
    it("both shipped stacks parse, with users in several teams", () => {
        for (const raw of [dev(), prod()]) {
            assert.deepEqual(problems(raw), []);
            const cfg = parseConfig(raw);
            const users = Object.values(cfg.users);
            assert.ok(users.length >= 4);
            assert.ok(new Set(users.flatMap((u) => u.teams)).size >= 5, "users cover several teams");
            assert.ok(
                users.some((u) => u.teams.length > 1),
                "someone is in two teams",
            );
        }
    });

    it("defaults: password policy at least 14 characters with reuse prevention, MFA age one hour", () => {
        const cfg = parseConfig({ layout: "single-account" });
        assert.deepEqual(cfg.passwordPolicy, { minimumLength: 14, reusePrevention: 24, maxAgeDays: 90, allowUsersToChange: true, hardExpiry: false });
        assert.equal(cfg.mfaMaxAgeSeconds, 3600);
        assert.equal(cfg.teams, undefined, "absent teams mean the shipped split");
    });

    it("numbers given as top-level strings are read as numbers", () => {
        assert.equal(parseConfig({ layout: "single-account", mfaMaxAgeSeconds: "7200" }).mfaMaxAgeSeconds, 7200);
        expectProblem({ layout: "single-account", mfaMaxAgeSeconds: "30" }, "landing-zone:mfaMaxAgeSeconds", /60-129600/);
    });

    it("a team naming an unknown environment", () => {
        expectProblem({ ...dev(), ...teams({ qe: { access: { qa: "write" } } }) }, "landing-zone:teams.qe.access.qa", /not a declared environment.*dev, test, staging, prod/);
    });

    it("a team named like a built-in group", () => {
        expectProblem({ ...dev(), ...teams({ "all-users": { access: { dev: "read" } } }) }, "landing-zone:teams.all-users", /built-in|creates itself/);
    });

    it("an unknown access level", () => {
        expectProblem({ ...dev(), ...teams({ qe: { access: { test: "owner" } } }) }, "landing-zone:teams.qe.access.test", /none, read, write, admin/);
    });

    it("users in unknown teams, listed twice, or with invalid IAM names", () => {
        const raw = { ...dev(), users: { alice: { teams: ["developers", "devs", "developers"] }, "al ice": { teams: [] } } };
        expectProblem(raw, "landing-zone:users.alice.teams[1]", /not a known team; teams: developers, qe/);
        expectProblem(raw, "landing-zone:users.alice.teams[2]", /listed twice/);
        expectProblem(raw, 'landing-zone:users["al ice"]', /IAM user name/);
        expectProblem({ ...dev(), users: { Alice: { teams: [] }, alice: { teams: [] } } }, "landing-zone:users.alice", /case/);
        expectProblem({ ...dev(), users: { ["x".repeat(65)]: { teams: [] } } }, `landing-zone:users.${"x".repeat(65)}`, /1-64/);
    });

    it("more than 10 groups for one user", () => {
        const many: Record<string, unknown> = {};
        for (let i = 0; i < 10; i++) many[`team-${i}`] = { access: { dev: "read" } };
        const raw = { ...prod(), teams: many, users: { alice: { teams: Object.keys(many) } } };
        expectProblem(raw, "landing-zone:users.alice.teams", /11 IAM groups.*AWS allows 10/);
        assert.deepEqual(problems({ ...raw, users: { alice: { teams: Object.keys(many).slice(0, 9) } } }), []);
    });

    it("more than 10 managed policies on a team group in a shared account", () => {
        const environments = Array.from({ length: 12 }, (_, i) => ({ name: `env${i}`, production: false }));
        const raw = { layout: "single-account", environments, teams: { auditors: { access: { "*": "read" } } } };
        expectProblem(raw, "landing-zone:teams.auditors", /13 managed policies.*10 per group/);
        assert.deepEqual(problems({ ...raw, environments: environments.slice(0, 9) }), []);
    });

    it("allowed tag keys that would make a tag-scoped policy exceed the IAM size limit", () => {
        const keys = Array.from({ length: 60 }, (_, i) => `team-specific-tag-key-${i}`);
        expectProblem({ ...dev(), allowedTagKeys: keys }, "landing-zone:allowedTagKeys", /characters long; AWS allows 6144/);
        assert.deepEqual(problems({ ...dev(), allowedTagKeys: keys.slice(0, 5) }), []);
    });

    it("password policy outside the allowed bounds", () => {
        const pp = (v: Record<string, unknown>) => ({ ...dev(), passwordPolicy: v });
        expectProblem(pp({ minimumLength: 8 }), "landing-zone:passwordPolicy.minimumLength", /14-128/);
        expectProblem(pp({ minimumLength: 129 }), "landing-zone:passwordPolicy.minimumLength", /14-128/);
        expectProblem(pp({ reusePrevention: 0 }), "landing-zone:passwordPolicy.reusePrevention", /1-24/);
        expectProblem(pp({ reusePrevention: 25 }), "landing-zone:passwordPolicy.reusePrevention", /1-24/);
        expectProblem(pp({ maxAgeDays: 0 }), "landing-zone:passwordPolicy.maxAgeDays", /1-1095/);
        expectProblem(pp({ maxAgeDays: 1096 }), "landing-zone:passwordPolicy.maxAgeDays", /1-1095/);
        assert.deepEqual(problems(pp({ minimumLength: 128, reusePrevention: 1, maxAgeDays: 1095 })), []);
    });

    it("delegated IAM administration in production is refused", () => {
        expectProblem(
            { ...prod(), ...teams({ operators: { access: { prod: "admin" }, iamAdmin: ["prod"] } }) },
            "landing-zone:teams.operators.iamAdmin[0]",
            /production environment.*non-production environments only/,
        );
        expectProblem({ ...dev(), ...teams({ qe: { access: { test: "read" }, iamAdmin: ["test"] } }) }, "landing-zone:teams.qe.iamAdmin[0]", /needs write or admin/);
        expectProblem({ ...dev(), ...teams({ qe: { access: { test: "write" }, iamAdmin: ["qa"] } }) }, "landing-zone:teams.qe.iamAdmin[0]", /not a declared environment/);
    });

    it("organization administration needs an organization", () => {
        expectProblem({ ...dev(), ...teams({ operators: { access: { prod: "admin" }, organizationAdmin: true } }) }, "landing-zone:teams.operators.organizationAdmin", /single-account/);
    });

    it("service roles: known environment, service principal, no AdministratorAccess", () => {
        const raw = {
            ...prod(),
            serviceRoles: {
                api: { environment: "qa", service: "ec2.amazonaws.com" },
                worker: { environment: "prod", service: "ec2" },
                admin: { environment: "prod", service: "lambda.amazonaws.com", managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
            },
        };
        expectProblem(raw, "landing-zone:serviceRoles.api.environment", /not a declared environment/);
        expectProblem(raw, "landing-zone:serviceRoles.worker.service", /service principal/);
        expectProblem(raw, "landing-zone:serviceRoles.admin.managedPolicyArns[0]", /full admin/);
    });

    it("accepted untagged actions must be untaggable actions of the covered services", () => {
        expectProblem({ ...dev(), acceptedUntaggedActions: ["ec2:TerminateInstances"] }, "landing-zone:acceptedUntaggedActions[0]", /lacks the environment tag condition/);
        expectProblem({ ...dev(), acceptedUntaggedActions: ["ec2:LaunchRockets"] }, "landing-zone:acceptedUntaggedActions[0]", /lacks/);
        assert.deepEqual(problems({ ...dev(), acceptedUntaggedActions: ["autoscaling:CreateLaunchConfiguration"] }), []);
    });

    it("MFA enrolment: the mode is one of two; a user joins the enrolment group only in enrolment-group mode, within the group limit", () => {
        expectProblem({ ...dev(), mfaEnrolment: "anyone" }, "landing-zone:mfaEnrolment", /self-service, enrolment-group/);
        expectProblem({ ...dev(), users: { alice: { teams: ["developers"], enrolMfa: true } } }, "landing-zone:users.alice.enrolMfa", /mfaEnrolment: enrolment-group/);
        assert.deepEqual(problems({ ...dev(), mfaEnrolment: "enrolment-group", users: { alice: { teams: ["developers"], enrolMfa: true } } }), []);
        const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`t${i}`, { access: { dev: "read" } }]));
        expectProblem(
            { ...dev(), teams: nine, mfaEnrolment: "enrolment-group", users: { zed: { teams: Object.keys(nine), enrolMfa: true } } },
            "landing-zone:users.zed.teams",
            /11 IAM groups \(teams \+ all-users \+ mfa-enrolment\)/,
        );
        assert.equal(parseConfig({ layout: "single-account" }).mfaEnrolment, "self-service");
    });

    it("reports every access problem at once", () => {
        const raw = { ...dev(), users: { alice: { teams: ["nobody"] } }, passwordPolicy: { minimumLength: 6, maxAgeDays: 2000 } };
        const keys = problems(raw).map((p) => p.key);
        for (const k of ["landing-zone:users.alice.teams[0]", "landing-zone:passwordPolicy.minimumLength", "landing-zone:passwordPolicy.maxAgeDays"]) {
            assert.ok(keys.includes(k), `${k} in ${keys.join(", ")}`);
        }
    });
});

/**
 * The review role (components/review): in every account, read-only, exactly the actions the
 * collector calls (the collector test checks the calls), trusted by the CI review role only.
 */
import * as assert from "assert";
import { isDataRead, readActions } from "./support";
import { planFromRawConfig } from "../../components/plan";
import { parseConfig, ConfigError } from "../../components/config";
import { planReviewRoles, REVIEW_ROLE_NAME } from "../../components/review/plan";
import { renderText } from "../../components/access/policies";

const prod = () =>
    planFromRawConfig({
        layout: "multi-account",
        environments: [
            { name: "dev", production: false },
            { name: "prod", production: true },
        ],
        organizationalUnits: { nonprod: { name: "NonProd", environmentClass: "non-production" }, prod: { name: "Prod", environmentClass: "production" } },
        accounts: {
            dev: { name: "app1-dev", email: "aws+dev@example.com", ou: "nonprod", environments: ["dev"] },
            prod: { name: "app1-prod", email: "aws+prod@example.com", ou: "prod", environments: ["prod"] },
        },
        review: { ciRoleName: "gh-review" },
    });

describe("review role (lz-review)", () => {
    it("is planned in the management account and in every member account, under /landing-zone/", () => {
        const roles = planReviewRoles(prod());
        assert.deepStrictEqual(
            roles.map((r) => r.key),
            ["management/lz-review", "dev/lz-review", "prod/lz-review"],
        );
        for (const r of roles) assert.deepStrictEqual([r.name, r.path], [REVIEW_ROLE_NAME, "/landing-zone/"]);
    });

    it("grants only read actions, none that reads data; organization and budgets in the management account only", async () => {
        const [mgmt, dev] = planReviewRoles(prod());
        const m = readActions(mgmt.policy);
        const d = readActions(dev.policy);
        assert.ok(m.some((a) => a.startsWith("organizations:")) && m.includes("budgets:ViewBudget"));
        assert.ok(!d.some((a) => a.startsWith("organizations:") || a.startsWith("budgets:")));
        for (const a of m) {
            assert.ok(!a.includes("*"), `${a}: no wildcard`);
            assert.ok(!(await isDataRead(a)), `${a}: a List or Read of metadata in the IAM action catalogue`);
        }
    });

    it("is trusted by the CI review role of the management account only, matched by its exact ARN", () => {
        const [, dev] = planReviewRoles(prod());
        const trust = JSON.parse(renderText(JSON.stringify(dev.trust), { partition: "aws", managementAccountId: "111111111111" }));
        assert.deepStrictEqual(trust.Statement, [
            {
                Sid: "ReviewFromCiRole",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["sts:AssumeRole"],
                Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/gh-review" } },
            },
        ]);
    });

    it("single-account: one role, with budgets and without Organizations", () => {
        const [only, ...rest] = planReviewRoles(planFromRawConfig({ layout: "single-account" }));
        assert.deepStrictEqual(rest, []);
        const actions = readActions(only.policy);
        assert.ok(actions.includes("budgets:ViewBudget") && !actions.some((a) => a.startsWith("organizations:")));
        assert.match(JSON.stringify(only.trust), /role\/landing-zone-review"/, "default CI role name");
    });

    it("rejects a bad CI role name, naming the key", () => {
        assert.throws(
            () => parseConfig({ layout: "single-account", review: { ciRoleName: "bad name!" } }),
            (e: unknown) => e instanceof ConfigError && /landing-zone:review\.ciRoleName/.test(e.message),
        );
        assert.throws(
            () => parseConfig({ layout: "single-account", review: { roleName: "x" } }),
            (e: unknown) => e instanceof ConfigError && /review\.roleName.*not a known key/.test(e.message),
        );
    });
});

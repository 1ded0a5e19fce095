/** The pure plan: config in, plain data out, no Pulumi involved. */
import * as assert from "assert";
import { DEPLOYMENT_ACCOUNT, planFromRawConfig } from "../../components/plan";
import { rawStackConfig as shipped } from "../helpers/program";

describe("plan", () => {
    describe("multi-account (shipped prod stack)", () => {
        const plan = planFromRawConfig(shipped("prod"));

        it("orders OUs parents first and computes paths and depths", () => {
            const order = plan.organizationalUnits.map((o) => o.key);
            for (const ou of plan.organizationalUnits) {
                if (ou.parentKey) assert.ok(order.indexOf(ou.parentKey) < order.indexOf(ou.key), `${ou.key} before its parent`);
            }
            const byKey = Object.fromEntries(plan.organizationalUnits.map((o) => [o.key, o]));
            assert.equal(byKey["workloads-prod"].path, "Workloads/Prod");
            assert.equal(byKey["workloads-prod"].depth, 2);
            assert.equal(byKey["security"].depth, 1);
            assert.deepEqual(byKey["workloads-prod"].ancestorKeys, ["workloads"]);
            assert.deepEqual(byKey["workloads"].ancestorKeys, []);
        });

        it("tags OUs holding one environment class, and leaves mixed OUs untagged", () => {
            const byKey = Object.fromEntries(plan.organizationalUnits.map((o) => [o.key, o]));
            assert.equal(byKey["workloads-prod"].tags.Environment, "prod");
            assert.equal(byKey["workloads-nonprod"].tags.Environment, "nonprod");
            assert.equal(byKey["workloads"].environmentClass, undefined);
            assert.equal(byKey["workloads"].tags.Environment, undefined);
        });

        it("tags each account with its environment, application and owner", () => {
            const dev = plan.accounts.find((a) => a.key === "dev")!;
            assert.deepEqual({ env: dev.tags.Environment, app: dev.tags.Application, managed: dev.tags.ManagedBy }, { env: "dev", app: "app1", managed: "landing-zone" });
            const security = plan.accounts.find((a) => a.key === "security")!;
            assert.equal(security.tags.Environment, "prod", "a production-class account with no environment carries the production value");
        });

        it("serializes account creation in key order", () => {
            const keys = plan.accounts.map((a) => a.key);
            assert.deepEqual(keys, [...keys].sort());
            assert.equal(plan.accounts[0].createAfter, undefined);
            for (let i = 1; i < plan.accounts.length; i++) assert.equal(plan.accounts[i].createAfter, keys[i - 1]);
        });

        it("gives every environment its own account, not separated by tags", () => {
            for (const e of plan.environments) {
                assert.deepEqual(e.accounts, [e.name]);
                assert.equal(e.separatedByTags, false);
            }
            assert.equal(plan.organization?.featureSet, "ALL");
            assert.deepEqual(plan.organization?.enabledPolicyTypes, ["SERVICE_CONTROL_POLICY", "TAG_POLICY", "RESOURCE_CONTROL_POLICY"]);
        });
    });

    it("single-account: every environment in the deployment account, separated by tags, no organization", () => {
        const plan = planFromRawConfig(shipped("dev"));
        assert.equal(plan.organization, undefined);
        assert.deepEqual(plan.accounts, []);
        for (const e of plan.environments) {
            assert.deepEqual(e.accounts, [DEPLOYMENT_ACCOUNT]);
            assert.equal(e.separatedByTags, true);
        }
    });

    it("hybrid: production alone, non-production environments share one account tagged nonprod", () => {
        const plan = planFromRawConfig({
            layout: "hybrid",
            accounts: {
                nonprod: { name: "app-nonprod", email: "aws+nonprod@example.com", environments: ["dev", "test", "staging"] },
                prod: { name: "app-prod", email: "aws+prod@example.com", environments: ["prod"] },
            },
        });
        const env = Object.fromEntries(plan.environments.map((e) => [e.name, e]));
        assert.deepEqual(env.dev.accounts, ["nonprod"]);
        assert.equal(env.dev.separatedByTags, true);
        assert.equal(env.prod.separatedByTags, false);
        assert.equal(plan.accounts.find((a) => a.key === "nonprod")!.tags.Environment, "nonprod");
        assert.equal(plan.accounts.find((a) => a.key === "prod")!.tags.Environment, "prod");
    });

    it("configurable environments, tag key and production flags flow into tags", () => {
        const plan = planFromRawConfig({
            layout: "multi-account",
            environmentTagKey: "env",
            environments: [{ name: "qa" }, { name: "live", production: true }],
            accounts: {
                qa: { name: "qa", email: "aws+qa@example.com", environments: ["qa"] },
                live: { name: "live", email: "aws+live@example.com", environments: ["live"] },
            },
        });
        assert.equal(plan.accounts.find((a) => a.key === "live")!.tags.env, "live");
        assert.equal(plan.accounts.find((a) => a.key === "live")!.environmentClass, "production");
        assert.equal(plan.accounts.find((a) => a.key === "qa")!.tags.Environment, undefined);
    });
});

/** Configs and helpers shared by the config tests. */
import * as assert from "assert";
import { ConfigError, type ConfigProblem } from "../../components/config";
import { planFromRawConfig } from "../../components/plan";

/** A valid multi-account config that each case breaks in one place. */
export function multi(): Record<string, any> {
    return {
        layout: "multi-account",
        organizationalUnits: {
            workloads: { name: "Workloads" },
            nonprod: { name: "NonProd", parent: "workloads", environmentClass: "non-production" },
            prod: { name: "Prod", parent: "workloads", environmentClass: "production" },
        },
        accounts: {
            dev: { name: "app-dev", email: "aws+dev@example.com", ou: "nonprod", environments: ["dev"] },
            test: { name: "app-test", email: "aws+test@example.com", ou: "nonprod", environments: ["test"] },
            staging: { name: "app-staging", email: "aws+staging@example.com", ou: "nonprod", environments: ["staging"] },
            prod: { name: "app-prod", email: "aws+prod@example.com", ou: "prod", environments: ["prod"] },
        },
    };
}

/** Every problem of every stage; fails when the config is accepted. */
export function problems(raw: Record<string, unknown>): ConfigProblem[] {
    try {
        planFromRawConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("the config was accepted");
}

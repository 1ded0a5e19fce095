/**
 * Test support for the identity section: the shipped Identity Center stack and its variants, and
 * a config parser that returns the problems it reports.
 */
import { rawStackConfig } from "../helpers/program";
import { hybridOverride } from "../access/support";

export { configProblems as problems } from "../access/support";

/** The shipped prod stack with Identity Center (Pulumi.prod-sso.yaml), as raw config. */
export const prodSso = (): Record<string, unknown> => rawStackConfig("prod-sso");

/** prod-sso with its `identity` section changed. */
export function withIdentity(raw: Record<string, unknown>, identity: Record<string, unknown>): Record<string, unknown> {
    return { ...raw, identity: { ...(raw.identity as Record<string, unknown>), ...identity } };
}

/** prod-sso in the hybrid layout: dev, test and staging share one account, prod alone. */
export const hybridSso = (): Record<string, unknown> => ({ ...prodSso(), ...hybridOverride() });

/** Directory group IDs in the identity store's form (fake). */
export const GROUP_ID = {
    developers: "9067a2e5c1-1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
    operators: "2f4e6a8c0b-7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d",
};

/** The teams of the shipped split, written out, with directory groups where given. */
export function shippedTeams(directory: Record<string, string> = {}): Record<string, unknown> {
    const t = (access: Record<string, string>, extra: Record<string, unknown> = {}) => ({ access, ...extra });
    const teams: Record<string, Record<string, unknown>> = {
        developers: t({ dev: "write", test: "read" }, { iamAdmin: ["dev"] }),
        qe: t({ test: "write", staging: "read" }),
        "product-managers": t({ staging: "write", prod: "read" }),
        "solutions-architects": t({ staging: "write", prod: "read" }),
        operators: t({ prod: "admin" }, { organizationAdmin: true }),
        auditors: t({ "*": "read" }),
    };
    for (const [team, id] of Object.entries(directory)) teams[team].directoryGroupId = id;
    return teams;
}

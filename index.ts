/**
 * The landing zone program: stack config -> validated plan -> resources.
 *
 * Every config problem is reported at once, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./components/config";
import { deployLandingZone, stackOutputs } from "./components/landing-zone";
import { LandingZonePlan, planFromRawConfig } from "./components/plan";
import { readStackConfig } from "./components/stack-config";

function loadPlan(): LandingZonePlan {
    try {
        return planFromRawConfig(readStackConfig());
    } catch (e) {
        // A RunError ends the program with its message alone, no stack trace.
        if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

const outputs = stackOutputs(deployLandingZone(loadPlan()));

export const layout = outputs.layout;
export const organizationId = outputs.organizationId;
export const rootId = outputs.rootId;
export const organizationalUnitIds = outputs.organizationalUnitIds;
export const accountIds = outputs.accountIds;
export const environments = outputs.environments;
export const guardrails = outputs.guardrails;
export const accessMatrix = outputs.accessMatrix;

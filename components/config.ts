/**
 * Stack configuration: the schema of every `landing-zone:*` key, and the first two stages of
 * the pipeline (see CONTRIBUTING.md): parsing and the structural rules.
 *
 * Pure: no Pulumi import. `checkConfig` takes the raw values of the stack's config namespace
 * (as `pulumi config` stores them: strings, or structured YAML values), parses them key by key
 * and entry by entry, and checks the structure; it returns what parsed and every problem.
 * `parseConfig` is the same for callers that only want a valid config or one `ConfigError`. The
 * sections' own rules and limits are checked by their planners (./plan.ts runs them all).
 */
import { z } from "zod";
import { accessConfigShape } from "./access/config";
import { guardrailsConfigShape } from "./guardrails/config";
import { identityConfigShape } from "./identity/config";
import { organizationConfigShape, type Layout } from "./organization/config";
import { checkStructure, type StructureInput } from "./organization/structure";
import { parseLeniently, type Broken } from "./parse";
import { ConfigError, toConfigProblems, type Problem } from "./problems";
import { reviewConfigShape } from "./review/config";
import { securityConfigShape } from "./security/config";

export { CONFIG_NAMESPACE, ConfigError, keyPath, type ConfigProblem } from "./problems";
export {
    DEFAULT_ENVIRONMENTS,
    DEFAULT_SERVICE_ACCESS_PRINCIPALS,
    ENVIRONMENT_CLASSES,
    LAYOUTS,
    ORGANIZATION_POLICY_TYPES,
    type AccountConfig,
    type EnvironmentClass,
    type Layout,
    type OrganizationalUnitConfig,
} from "./organization/config";
export { MAX_TAGS_PER_RESOURCE } from "./fields";

/** Every key of the namespace: the organization's, then each section's. */
export const configSchema = z.strictObject({
    ...organizationConfigShape,
    ...accessConfigShape,
    ...guardrailsConfigShape,
    ...reviewConfigShape,
    ...identityConfigShape,
    ...securityConfigShape,
});

export type LandingZoneConfig = z.output<typeof configSchema>;
export type RawConfig = z.input<typeof configSchema>;

export interface CheckedConfig {
    /** What parsed (entries that did not are left out); absent when `layout` itself did not. */
    config?: LandingZoneConfig;
    /** What failed to parse: the later stages leave references to it alone. */
    broken: Broken;
    problems: Problem[];
}

/** Parses every key and checks the structure; never throws on bad config. */
export function checkConfig(raw: Record<string, unknown>): CheckedConfig {
    const parsed = parseLeniently(configSchema, raw);
    const partial = parsed.value as StructureInput & Omit<LandingZoneConfig, "layout">;
    const problems = [...parsed.problems, ...checkStructure(partial, parsed.broken)];
    const layout = partial.layout as Layout | undefined;
    return {
        config: layout === undefined ? undefined : (partial as LandingZoneConfig),
        broken: parsed.broken,
        problems,
    };
}

/** Parses the raw namespace values: shape and structure. Throws ConfigError listing every problem. */
export function parseConfig(raw: Record<string, unknown>): LandingZoneConfig {
    const checked = checkConfig(raw);
    if (checked.problems.length > 0 || !checked.config) throw new ConfigError(toConfigProblems(checked.problems));
    return checked.config;
}

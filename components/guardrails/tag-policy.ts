/**
 * Tag policies: the environment tag key with its exact case, and the values allowed below an
 * OU of each environment class. Pure.
 *
 * A tag policy reports non-compliant tags everywhere; for the resource types in `enforced_for`
 * it also makes the tagging call fail, so a resource of those types cannot get a wrong-case key
 * or a value of the other class. It does not force a tag to be present (SCPs do that).
 */

/** AWS Organizations limit for tag (and backup) policies, in characters of minified JSON. */
export const TAG_POLICY_MAX_CHARACTERS = 10000;

export interface EnvironmentTagPolicyArgs {
    tagKey: string;
    allowedValues: readonly string[];
    enforcedFor: readonly string[];
}

/** The policy key is the tag key in lower case; `tag_key` fixes the case AWS accepts. */
export function environmentTagPolicy(a: EnvironmentTagPolicyArgs): object {
    return {
        tags: {
            [a.tagKey.toLowerCase()]: {
                tag_key: { "@@assign": a.tagKey },
                tag_value: { "@@assign": [...new Set(a.allowedValues)] },
                ...(a.enforcedFor.length ? { enforced_for: { "@@assign": [...a.enforcedFor] } } : {}),
            },
        },
    };
}

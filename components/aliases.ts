/**
 * Renames keep every resource: when an account or OU key is renamed (`formerKeys`), every
 * resource under it gets an alias to the URN it had under the old key, so nothing is replaced.
 *
 * A component renamed with its account keeps, per former key, the URN it had then (`FormerScope`).
 * Its children are aliased to the names they had then, under that URN; each component passes
 * its own former scopes down to its children.
 */
import * as pulumi from "@pulumi/pulumi";

/** One former identity of a component: the account (or OU) key it was named after then, and its URN then. */
export interface FormerScope {
    key: string;
    urn: pulumi.Output<string>;
}

/** The former scopes of a child component of `type`, named `name(key)` under each of its parent's former scopes. */
export function childScopes(parent: readonly FormerScope[], type: string, name: (key: string) => string): FormerScope[] {
    return parent.map((p) => ({ key: p.key, urn: pulumi.createUrn(name(p.key), type, p.urn) }));
}

/** Aliases of a resource named `name(key)`: the name it had under each former key, under the parent it had then. */
export function formerAliases(parent: readonly FormerScope[], name: (key: string) => string): pulumi.Alias[] {
    return parent.map((p) => ({ name: name(p.key), parent: p.urn }));
}

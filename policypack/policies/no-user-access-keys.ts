import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, resolveConfig } from "../lib/config";
import { forType, msg } from "../lib/policy";
import { T } from "../lib/types";
import { cannotCheck, isUnknown, plainProps } from "../lib/unknown";

const REMEDIATION =
    "People sign in with a password and MFA and assume roles; give automation a role. " + "If a service user truly needs a key, add its user name to this policy's `serviceUsers` config.";

export function accessKeyFinding(props: Record<string, unknown>, serviceUsers: string[]): string | undefined {
    const user = props.user;
    if (isUnknown(user)) return cannotCheck("which IAM user this access key belongs to", "`user` is unknown at preview");
    if (typeof user === "string" && serviceUsers.includes(user)) return undefined;
    return `Access key for IAM user ${String(user)}, which is not a service user allowed to have access keys.`;
}

function fixFor(user: unknown): string {
    if (isUnknown(user)) return 'Name the user with a literal (user: "<name>") so that it can be checked against serviceUsers.';
    return (
        `Give automation a role instead (for CI, an OIDC trust such as GitHub Actions'); if ${String(user)} is a machine user that must keep a key, ` +
        `add "${String(user)}" to serviceUsers in the config of iam-no-user-access-keys (and of iam-user-baseline).`
    );
}

export const noUserAccessKeys: ResourceValidationPolicy = {
    name: "iam-no-user-access-keys",
    description: "No long-term access keys for IAM users, except service users named in the policy config.",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    configSchema: configSchema("serviceUsers"),
    validateResource: forType(T.accessKey, (args, report) => {
        const cfg = resolveConfig(args.getConfig());
        const props = plainProps(args.props);
        const f = accessKeyFinding(props, cfg.serviceUsers);
        if (f) report(msg(f, fixFor(props.user)));
    }),
};

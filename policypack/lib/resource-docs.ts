// Policy documents carried by a single resource, for resource policies.
import { T } from "./types";
import { isUnknown } from "./unknown";

export interface DocField {
    label: string;
    value: unknown;
    kind: "identity" | "trust" | "scp" | "tag-policy" | "org-policy";
}

/** Identity-policy documents carried by a resource (managed, inline, role inline policies). */
export function identityDocs(type: string, props: Record<string, unknown>): DocField[] {
    switch (type) {
        case T.managedPolicy:
        case T.userPolicy:
        case T.groupPolicy:
        case T.rolePolicy:
            return [{ label: "the policy document", value: props.policy, kind: "identity" }];
        case T.permissionSetInlinePolicy:
            return [{ label: "the permission set's inline policy", value: props.inlinePolicy, kind: "identity" }];
        case T.role: {
            const inl = props.inlinePolicies;
            if (isUnknown(inl)) return [{ label: "inlinePolicies", value: inl, kind: "identity" }];
            if (!Array.isArray(inl)) return [];
            return inl.map((p, i) => {
                if (isUnknown(p) || !p || typeof p !== "object") return { label: `inlinePolicies[${i}]`, value: p, kind: "identity" as const };
                const o = p as Record<string, unknown>;
                return { label: `inline policy ${typeof o.name === "string" ? o.name : `#${i + 1}`}`, value: o.policy, kind: "identity" as const };
            });
        }
        default:
            return [];
    }
}

/** Every document a resource carries, including trust policies and organization policies. */
export function allDocs(type: string, props: Record<string, unknown>): DocField[] {
    const out = identityDocs(type, props);
    if (type === T.role) out.push({ label: "the trust policy (assumeRolePolicy)", value: props.assumeRolePolicy, kind: "trust" });
    if (type === T.orgPolicy) {
        const t = props.type ?? "SERVICE_CONTROL_POLICY";
        out.push({
            label: "the policy content",
            value: props.content,
            kind: t === "SERVICE_CONTROL_POLICY" || t === "RESOURCE_CONTROL_POLICY" ? "scp" : t === "TAG_POLICY" ? "tag-policy" : "org-policy",
        });
    }
    return out;
}

export const IDENTITY_DOC_TYPES: string[] = [T.managedPolicy, T.userPolicy, T.groupPolicy, T.rolePolicy, T.role, T.permissionSetInlinePolicy];

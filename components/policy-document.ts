/**
 * The one IAM policy document type of the program: identity policies, trust policies, permissions
 * boundaries, service control policies and resource control policies are all built as these
 * plain objects and sent to AWS as their JSON. A leaf module.
 */

export type Conditions = Record<string, Record<string, string | string[]>>;

export interface Statement {
    /** Unique within the document; the guardrails' Sids are unique across their whole library. */
    Sid: string;
    Effect: "Allow" | "Deny";
    /** Trust and resource control policies only. */
    Principal?: Record<string, string | string[]> | "*";
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Condition?: Conditions;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export function policyDocument(...statements: Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

// Privilege escalation: which grants let their holder gain permissions they were not given.
// The catalogue is the well-known list (the classic 21 methods) and the wider public catalogue of
// escalation paths (instance connect, SSM, CloudFormation stacks, SageMaker notebooks, PassRole
// with the services that run code as a role, sts:AssumeRole on every role). The analysis is pure:
// statements in, grants out; which roles a specific iam:PassRole resource names, and whether they
// are privileged, is asked of the caller.

import { boundedBy, canApply } from "./conditions";
import { actionMatches, grantedAmong, hasUnknownAction, isUnrestrictedArn, isUnrestrictedResource, Statement, stmtLabel } from "./policy-document";

export interface EscalationAction {
    action: string;
    /** How the grant escalates, for messages. */
    how: string;
    /** The smallest fix. */
    fix: string;
}

const POLICY_WRITE_FIX = "name the policies or entities in Resource, or require a specific permissions boundary (StringEquals iam:PermissionsBoundary) or specific policies (ArnEquals iam:PolicyARN)";

/** Actions that escalate when granted on every resource of their type (and not bounded). */
export const ESCALATION_ACTIONS: EscalationAction[] = [
    { action: "iam:CreatePolicyVersion", how: "rewrites any managed policy, its own included", fix: "name the policies in Resource" },
    { action: "iam:SetDefaultPolicyVersion", how: "switches any managed policy to another version", fix: "name the policies in Resource" },
    { action: "iam:CreateAccessKey", how: "creates keys for any user", fix: "limit it to the caller's own user (Resource arn:aws:iam::*:user/${aws:username})" },
    { action: "iam:CreateLoginProfile", how: "gives any user a console password", fix: "limit it to the caller's own user (Resource arn:aws:iam::*:user/${aws:username})" },
    { action: "iam:UpdateLoginProfile", how: "changes any user's console password", fix: "limit it to the caller's own user (Resource arn:aws:iam::*:user/${aws:username})" },
    { action: "iam:AttachUserPolicy", how: "attaches any policy (AdministratorAccess too) to a user", fix: POLICY_WRITE_FIX },
    { action: "iam:AttachGroupPolicy", how: "attaches any policy to a group", fix: POLICY_WRITE_FIX },
    { action: "iam:AttachRolePolicy", how: "attaches any policy to a role", fix: POLICY_WRITE_FIX },
    { action: "iam:PutUserPolicy", how: "writes any inline policy on a user", fix: POLICY_WRITE_FIX },
    { action: "iam:PutGroupPolicy", how: "writes any inline policy on a group", fix: POLICY_WRITE_FIX },
    { action: "iam:PutRolePolicy", how: "writes any inline policy on a role", fix: POLICY_WRITE_FIX },
    { action: "iam:AddUserToGroup", how: "joins any group", fix: "name the groups in Resource" },
    { action: "iam:UpdateAssumeRolePolicy", how: "makes any role trust anyone", fix: "name the roles in Resource" },
    { action: "lambda:UpdateFunctionCode", how: "runs new code as any function's role", fix: "name the functions in Resource" },
    { action: "glue:UpdateDevEndpoint", how: "adds an SSH key to any Glue development endpoint (and its role)", fix: "name the development endpoints in Resource" },
    { action: "sts:AssumeRole", how: "assumes any role that trusts the account", fix: "name the roles in Resource" },
    { action: "cloudformation:UpdateStack", how: "changes any stack, run by its (privileged) service role", fix: "name the stacks in Resource, or require cloudformation:RoleArn" },
    { action: "cloudformation:CreateChangeSet", how: "changes any stack through a change set, run by its service role", fix: "name the stacks in Resource, or require cloudformation:RoleArn" },
    { action: "ec2-instance-connect:SendSSHPublicKey", how: "logs in to any instance and uses its instance role", fix: "restrict it to instances by aws:ResourceTag or ARN" },
    { action: "ssm:SendCommand", how: "runs commands on any managed instance, as its instance role", fix: "restrict it to instances by aws:ResourceTag or ARN, and to named documents" },
    { action: "ssm:StartSession", how: "opens a shell on any managed instance, with its instance role", fix: "restrict it to instances by aws:ResourceTag or ARN" },
    { action: "sagemaker:CreatePresignedNotebookInstanceUrl", how: "opens any notebook instance, with its role", fix: "name the notebook instances in Resource" },
    { action: "ec2:ModifyInstanceAttribute", how: "replaces the user data of any instance, run as its role at the next start", fix: "restrict it to instances by aws:ResourceTag or ARN" },
];

export interface PassRoleCompanion {
    action: string;
    /** Service principals the role is passed to (for iam:PassedToService). */
    services: string[];
    what: string;
}

/** Actions that, with iam:PassRole, run code or API calls as the passed role. */
export const PASSROLE_COMPANIONS: PassRoleCompanion[] = [
    { action: "ec2:RunInstances", services: ["ec2.amazonaws.com"], what: "an instance with the role's profile" },
    { action: "lambda:CreateFunction", services: ["lambda.amazonaws.com"], what: "a function running as the role" },
    { action: "glue:CreateDevEndpoint", services: ["glue.amazonaws.com"], what: "a Glue development endpoint with the role" },
    { action: "glue:CreateJob", services: ["glue.amazonaws.com"], what: "a Glue job running as the role" },
    { action: "cloudformation:CreateStack", services: ["cloudformation.amazonaws.com"], what: "a stack deployed by the role" },
    { action: "datapipeline:CreatePipeline", services: ["datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"], what: "a pipeline running as the role" },
    { action: "sagemaker:CreateNotebookInstance", services: ["sagemaker.amazonaws.com"], what: "a notebook with the role" },
    { action: "sagemaker:CreateTrainingJob", services: ["sagemaker.amazonaws.com"], what: "a training job running as the role" },
    { action: "sagemaker:CreateProcessingJob", services: ["sagemaker.amazonaws.com"], what: "a processing job running as the role" },
    { action: "codebuild:CreateProject", services: ["codebuild.amazonaws.com"], what: "a build project running as the role" },
    { action: "ecs:RegisterTaskDefinition", services: ["ecs-tasks.amazonaws.com"], what: "a task running as the role" },
    { action: "scheduler:CreateSchedule", services: ["scheduler.amazonaws.com"], what: "a schedule calling any API as the role" },
    { action: "states:CreateStateMachine", services: ["states.amazonaws.com"], what: "a state machine calling any API as the role" },
];

/** Every action the analysis looks at. */
export const ESCALATION_ACTION_NAMES = ESCALATION_ACTIONS.map((e) => e.action);

/** A statement of a document, with the document it belongs to. */
export interface DocStatement {
    doc: string;
    stmt: Statement;
}

/** What a specific iam:PassRole Resource names: privileged roles of the stack among them. */
export type PassTargets = { privileged: string[] };

/** One escalating action of a grant: what it does, and its smallest fix. */
export interface EscalationPart {
    action: string;
    how: string;
    fix: string;
}

export interface EscalationGrant {
    /** The document the grant comes from (for PassRole combinations, the one granting PassRole). */
    doc: string;
    where: string;
    /** "direct": escalation actions on every resource; "passrole": iam:PassRole with a service that runs the role. */
    kind: "direct" | "passrole";
    /** The escalating actions ("iam:PassRole with lambda:CreateFunction" for a combination). */
    actions: string[];
    parts: EscalationPart[];
}

function grant(doc: string, where: string, kind: EscalationGrant["kind"], parts: EscalationPart[]): EscalationGrant {
    return { doc, where, kind, actions: parts.map((p) => p.action), parts };
}

/** The grant with only the given actions (those a permissions boundary lets through), or undefined. */
export function keepActions(g: EscalationGrant, allowed: Set<string>): EscalationGrant | undefined {
    const parts = g.parts.filter((p) => allowed.has(p.action));
    return parts.length === 0 ? undefined : grant(g.doc, g.where, g.kind, parts);
}

/** iam:PassRole on every role: Resource "*", every role ARN, or NotResource. */
function passRoleUnrestricted(s: Statement): boolean {
    if (s.notResource !== undefined) return true;
    return (s.resource ?? []).some((r) => typeof r === "string" && (r === "*" || (/^arn:[^:]+:iam::/.test(r) && isUnrestrictedArn(r) && /:(role\/)?\*$/.test(r))));
}

export interface EscalationResult {
    grants: EscalationGrant[];
    /** Documents (by key) whose verdict an unknown value decides, and what is unknown. */
    unknown: { doc: string; what: string }[];
}

/** Unconditional Deny statements that cover `action` on every resource. */
export function deniedEverywhere(statements: DocStatement[], action: string): boolean {
    return statements.some(
        ({ stmt: s }) =>
            s.effect === "Deny" &&
            s.condition === undefined &&
            !s.conditionUnknown &&
            s.notResource === undefined &&
            (s.resource ?? []).some((r) => typeof r === "string" && isUnrestrictedArn(r)) &&
            (s.notAction !== undefined ? !s.notAction.some((p) => typeof p !== "string" || actionMatches(p, action)) : (s.action ?? []).some((p) => typeof p === "string" && actionMatches(p, action))),
    );
}

/** Allow statements that can apply and whose action list is known. */
function usableAllows(statements: DocStatement[], now?: number): DocStatement[] {
    return statements.filter(({ stmt: s }) => s.effect === "Allow" && !hasUnknownAction(s) && canApply(s, now));
}

function passedToServices(s: Statement): string[] | undefined {
    const values: string[] = [];
    let constrained = false;
    for (const [op, kv] of Object.entries(s.condition ?? {})) {
        if (!/^(String(Equals|Like)(IgnoreCase)?)$/i.test(op)) continue;
        for (const [k, v] of Object.entries(kv)) {
            if (k.toLowerCase() !== "iam:passedtoservice") continue;
            constrained = true;
            for (const x of v) if (typeof x === "string") values.push(x);
        }
    }
    return constrained ? values : undefined;
}

/**
 * The escalations granted by a set of statements that apply to one principal (all its
 * documents: a grant in one and a Deny or a companion in another combine). `passTargets` says
 * which privileged roles a specific PassRole statement names.
 */
export function escalations(statements: DocStatement[], passTargets: (d: DocStatement) => PassTargets, now?: number): EscalationResult {
    const result: EscalationResult = { grants: [], unknown: [] };
    for (const { doc, stmt: s } of statements) {
        if (s.effect === undefined && s.hasUnknown) result.unknown.push({ doc, what: `the Effect of ${stmtLabel(s)}` });
        else if (s.effect === "Allow" && hasUnknownAction(s) && !boundedBy(s)) result.unknown.push({ doc, what: `the Action of ${stmtLabel(s)}` });
        else if (s.effect === "Allow" && s.conditionUnknown && !(s.action ?? []).includes("*") && grantedAmong(s, [...ESCALATION_ACTION_NAMES, "iam:PassRole"]).length > 0) {
            result.unknown.push({ doc, what: `the Condition of ${stmtLabel(s)}` });
        }
    }
    const allows = usableAllows(statements, now).filter(({ stmt: s }) => !s.conditionUnknown && !(s.action ?? []).includes("*"));
    const notDenied = (a: string) => !deniedEverywhere(statements, a);

    for (const d of allows) {
        const s = d.stmt;
        if (!isUnrestrictedResource(s) || boundedBy(s)) continue;
        const hits = ESCALATION_ACTIONS.filter((e) => grantedAmong(s, [e.action]).length > 0 && notDenied(e.action) && !(e.action === "ssm:SendCommand" && onlyFixedDocuments(s)));
        if (hits.length === 0) continue;
        result.grants.push(
            grant(
                d.doc,
                stmtLabel(s),
                "direct",
                hits.map((h) => ({ action: h.action, how: `${h.action} ${h.how}`, fix: h.fix })),
            ),
        );
    }

    if (!notDenied("iam:PassRole")) return result;
    const companions = PASSROLE_COMPANIONS.map((c) => ({ c, from: allows.filter((d) => grantedAmong(d.stmt, [c.action]).length > 0) })).filter((x) => x.from.length > 0 && notDenied(x.c.action));
    if (companions.length === 0) return result;
    for (const d of allows) {
        const s = d.stmt;
        if (grantedAmong(s, ["iam:PassRole"]).length === 0) continue;
        const services = passedToServices(s);
        const usable = companions.filter(({ c }) => services === undefined || services.some((v) => c.services.some((svc) => actionMatches(v, svc))));
        if (usable.length === 0) continue;
        let roles: string;
        if (passRoleUnrestricted(s) && !boundedBy(s)) roles = "any role";
        else {
            const { privileged } = passTargets(d);
            if (privileged.length === 0) continue;
            roles = `the privileged role${privileged.length > 1 ? "s" : ""} ${privileged.join(", ")}`;
        }
        const elsewhere = (from: DocStatement[]) => (from.some((f) => f.doc === d.doc) ? "" : ` (granted by ${from[0].doc}, ${stmtLabel(from[0].stmt)})`);
        const fix =
            roles === "any role"
                ? "name the roles that may be passed in Resource (none of them privileged) and add StringEquals iam:PassedToService"
                : "do not let this principal pass a privileged role: drop it from Resource, or mark the principal admin";
        result.grants.push(
            grant(
                d.doc,
                stmtLabel(s),
                "passrole",
                usable.map(({ c, from }) => ({
                    action: `iam:PassRole with ${c.action}`,
                    how: `${c.action}${elsewhere(from)} creates ${c.what}, and ${roles} may be passed to it`,
                    fix,
                })),
            ),
        );
    }
    return result;
}

/** Documents that run whatever the caller passes them. */
const SHELL_DOCUMENTS = ["AWS-RunShellScript", "AWS-RunPowerShellScript", "AWS-RunRemoteScript", "AWS-RunDocument", "AWS-ApplyAnsiblePlaybooks", "AWS-RunSaltState", "AWS-InstallApplication"];

/** ssm:SendCommand limited to named documents that do not run arbitrary commands. */
function onlyFixedDocuments(s: Statement): boolean {
    const docs = (s.resource ?? []).filter((r): r is string => typeof r === "string" && /:document\//.test(r));
    if (docs.length === 0 || (s.resource ?? []).includes("*")) return false;
    return docs.every((r) => !/document\/[*?]*$/.test(r) && !SHELL_DOCUMENTS.some((d) => actionMatches(r.replace(/^.*:document\//, ""), d)));
}

/**
 * IAM request simulation for tests: identity policies, SCPs and RCPs per level of the organization
 * tree, a permission boundary and a resource policy in; AWS's decision out.
 *
 * Built on @cloud-copilot/iam-simulate (AGPL-3.0): test and developer tooling only, never
 * imported by the Pulumi program or the policy pack.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** A policy document (object) and a name for explanations. */
export interface NamedPolicy {
    name: string;
    policy: unknown;
}

/** The SCPs attached directly to one level: the root first, then each OU down, the account last. */
export interface ScpLevel {
    /** `r-...`, `ou-...` or the account ID; only used in explanations. */
    id: string;
    policies: NamedPolicy[];
}

export interface SimulationRequest {
    /**
     * ARN of the caller: `arn:aws:iam::<account>:root`, a role ARN (`arn:aws:iam::<account>:role/<path><name>`,
     * also used as aws:PrincipalArn) or a user ARN; or an AWS service principal such as `ec2.amazonaws.com`.
     */
    principal: string;
    action: string;
    /** Resource ARN, or `*` for actions without resource-level permissions. */
    resource: string;
    /** Account owning the resource; default: the principal's account. */
    resourceAccount?: string;
    /**
     * Request context. `aws:PrincipalArn`, `aws:PrincipalAccount` and `aws:RequestedRegion` are
     * filled from the principal and the resource ARN (us-east-1 when it has no region) unless given.
     */
    context?: Record<string, string | string[]>;
}

export interface SimulationInput {
    /** Identity policies of the principal; documents or named documents. */
    identityPolicies: (NamedPolicy | object)[];
    /** SCP chain from the root to the account. Empty: the account is not in an organization. */
    scps?: ScpLevel[];
    /**
     * RCP chain from the root to the resource's account (RCPFullAWSAccess is added at every level
     * by the simulator). Empty: no resource control policies.
     */
    rcps?: ScpLevel[];
    permissionBoundary?: object;
    resourcePolicy?: object;
    request: SimulationRequest;
}

export interface SimulationOutcome {
    decision: Decision;
    /** Context keys the simulator dropped because they do not apply to the action. */
    ignoredContextKeys: string[];
    /** The simulator's full answer, for debugging a failing assertion. */
    raw: unknown;
}

/** An identity policy that allows everything: isolates the effect of SCPs and boundaries. */
export const ADMINISTRATOR_ACCESS = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

function named(p: NamedPolicy | object, i: number, prefix: string): NamedPolicy {
    return "name" in p && "policy" in p ? (p as NamedPolicy) : { name: `${prefix}-${i + 1}`, policy: p };
}

export function accountOf(arn: string): string {
    const account = arn.split(":")[4];
    if (!/^\d{12}$/.test(account ?? "")) throw new Error(`no account ID in ARN ${arn}`);
    return account;
}

function regionOf(arn: string): string | undefined {
    const region = arn.split(":")[3];
    return region ? region : undefined;
}

/** Runs one request; throws when the simulator rejects the input (bad policy, action or ARN). */
export async function simulate(input: SimulationInput): Promise<SimulationOutcome> {
    const { request } = input;
    // An AWS service principal (`ec2.amazonaws.com`) has no account; the resource's must be given.
    const service = !request.principal.startsWith("arn:");
    const principalAccount = service ? undefined : accountOf(request.principal);
    const resourceAccount = request.resourceAccount ?? principalAccount;
    if (!resourceAccount) throw new Error(`the request of ${request.principal} needs resourceAccount`);
    const context: Record<string, string | string[]> = {
        ...(service ? {} : { "aws:PrincipalArn": request.principal, "aws:PrincipalAccount": principalAccount! }),
        "aws:RequestedRegion": (request.resource !== "*" && regionOf(request.resource)) || "us-east-1",
        ...(request.context ?? {}),
    };
    const simulation: Simulation = {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: resourceAccount },
            contextVariables: context,
        },
        identityPolicies: input.identityPolicies.map((p, i) => named(p, i, "identity")),
        serviceControlPolicies: (input.scps ?? []).map((l) => ({ orgIdentifier: l.id, policies: l.policies })),
        resourceControlPolicies: (input.rcps ?? []).map((l) => ({ orgIdentifier: l.id, policies: l.policies })),
        permissionBoundaryPolicies: input.permissionBoundary ? [{ name: "boundary", policy: input.permissionBoundary }] : undefined,
        resourcePolicy: input.resourcePolicy,
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new Error(`simulation rejected: ${result.errors.message}\n${JSON.stringify(result.errors, null, 2)}`);
    }
    if (result.resultType !== "single") {
        throw new Error(`expected one resource to be simulated for ${request.resource}; use a concrete ARN`);
    }
    return {
        decision: result.overallResult as Decision,
        ignoredContextKeys: result.result.ignoredContextKeys ?? [],
        raw: result,
    };
}

/** Shorthand: the decision alone. */
export async function decide(input: SimulationInput): Promise<Decision> {
    return (await simulate(input)).decision;
}

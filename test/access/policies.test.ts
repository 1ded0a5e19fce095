/**
 * Structural checks of every planned document in both shipped stacks: grammar and catalogue,
 * sizes, no member account IDs, the shapes each kind of document must have.
 */
import { strict as assert } from "assert";
import { checkStatement } from "../../policypack/lib/catalogue";
import { isForceMfaDeny, minifiedLength, parseDocument, requiresMfa, Statement } from "../../policypack/lib/policy-document";
import { passRoleOnStar } from "../../policypack/policies/no-pass-role-wildcard";
import { LANDING_ZONE_ADMIN_TAG } from "../../components/access/tags";
import { loadStack, MANAGEMENT_ID, render, Stack, STACKS } from "./support";

const MANAGED_POLICY_LIMIT = 6144;
const TRUST_POLICY_LIMIT = 2048;

function statements(doc: Record<string, any>): Statement[] {
    const p = parseDocument(doc);
    if (p.kind !== "ok") throw new Error(`unparsable document: ${JSON.stringify(p)}`);
    return p.statements;
}

for (const stackName of STACKS) {
    describe(`access documents: ${stackName} stack`, () => {
        const stack: Stack = loadStack(stackName);
        const docs = [
            ...stack.access.policies.map((p) => ({ label: `policy ${p.key}`, kind: "policy" as const, doc: render(stack, p.document), limit: MANAGED_POLICY_LIMIT })),
            ...stack.access.roles.map((r) => ({ label: `trust of ${r.key}`, kind: "trust" as const, doc: render(stack, r.trust), limit: TRUST_POLICY_LIMIT })),
        ];

        it("every document is valid IAM: version, unique Sids, known actions, operators and condition keys", async () => {
            const problems: string[] = [];
            for (const d of docs) {
                if (d.doc.Version !== "2012-10-17") problems.push(`${d.label}: Version`);
                const sids = d.doc.Statement.map((s: any) => s.Sid);
                if (new Set(sids).size !== sids.length) problems.push(`${d.label}: duplicate Sid`);
                for (const s of statements(d.doc)) for (const f of await checkStatement(s)) problems.push(`${d.label}: ${f}`);
            }
            assert.deepEqual(problems, []);
        });

        it("every document fits its IAM size limit and is fully known (no placeholder, no member account ID)", () => {
            for (const d of docs) {
                const text = JSON.stringify(d.doc);
                assert.ok(minifiedLength(d.doc) <= d.limit, `${d.label}: ${minifiedLength(d.doc)} > ${d.limit}`);
                assert.doesNotMatch(text, /\{\{/, d.label);
                const ids = text.match(/\d{12}/g) ?? [];
                // The only account ID any document may name is the identity (management) account's, in trust policies.
                assert.deepEqual(
                    ids.filter((id) => !(d.kind === "trust" && id === MANAGEMENT_ID)),
                    [],
                    d.label,
                );
            }
        });

        it("no Allow with NotAction or NotResource, no iam:PassRole on every role", () => {
            for (const d of docs) {
                for (const s of statements(d.doc)) {
                    if (s.effect === "Allow") assert.ok(!s.notAction && !s.notResource, `${d.label} ${s.sid}`);
                    assert.ok(!passRoleOnStar(s), `${d.label} ${s.sid}`);
                }
            }
        });

        it("people's roles trust only the identity account, with MFA and a maximum MFA age; service roles only their service", () => {
            for (const r of stack.access.roles) {
                const [s, ...rest] = statements(render(stack, r.trust));
                assert.equal(rest.length, 0, r.key);
                const principal = s.principal as Record<string, string>;
                if (r.path.startsWith("/landing-zone/service/")) {
                    assert.deepEqual(Object.keys(principal), ["Service"], r.key);
                    continue;
                }
                assert.ok(requiresMfa(s), `${r.key}: MFA`);
                assert.ok(s.condition?.NumericLessThan?.["aws:MultiFactorAuthAge"], `${r.key}: MFA age`);
                assert.ok(s.condition?.Bool?.["aws:MultiFactorAuthPresent"]?.includes("true"), `${r.key}: MFA present`);
                if (r.name === "lz-organization-admin") {
                    // Any principal, narrowed to this organization's admin roles of environments whose
                    // admins (operators, in the shipped split) also administer the organization.
                    assert.deepEqual(s.condition?.StringEquals?.["aws:PrincipalOrgID"], ["${aws:ResourceOrgID}"]);
                    assert.deepEqual(s.condition?.ArnLike?.["aws:PrincipalArn"], ["arn:aws:iam::*:role/landing-zone/lz-prod-admin"]);
                } else {
                    assert.deepEqual(principal, { AWS: `arn:aws:iam::${MANAGEMENT_ID}:root` }, r.key);
                }
            }
        });

        it("environment roles live under /landing-zone/; admin roles and admin documents carry the admin mark, boundaries do not", () => {
            const isAdmin = (tags: Record<string, string>) => tags[LANDING_ZONE_ADMIN_TAG.key] === LANDING_ZONE_ADMIN_TAG.value;
            for (const r of stack.access.roles) {
                assert.ok(r.path.startsWith("/landing-zone/"), r.key);
                assert.ok(r.name.length <= 64, r.key);
                const admin = r.managedPolicyArns.some((a) => a.endsWith("/AdministratorAccess")) || /-admin$/.test(r.name);
                assert.equal(isAdmin(r.tags), admin, r.key);
            }
            for (const p of stack.access.policies) {
                const fullAdmin = statements(render(stack, p.document)).some((s) => s.effect === "Allow" && (s.action ?? []).includes("*"));
                // A boundary only ever limits; it is no grant and must not be marked admin.
                if (/-boundary$/.test(p.name)) assert.ok(!isAdmin(p.tags), p.key);
                else if (fullAdmin || /-admin$/.test(p.name)) assert.ok(isAdmin(p.tags), p.key);
                assert.equal(p.path, "/landing-zone/");
            }
        });

        it("the all-users group denies everything but MFA self-service without MFA", () => {
            const g = stack.access.groups.find((x) => x.key === "all-users")!;
            assert.equal(g.policyKeys.length, 1);
            const ss = statements(render(stack, stack.access.policies.find((p) => p.key === g.policyKeys[0])!.document));
            assert.ok(ss.some(isForceMfaDeny));
        });

        it("tag-scoped documents: every Allow is conditioned on the environment tag, except the named unscoped ones", () => {
            const key = stack.plan.environmentTagKey;
            const unscoped = new Set(["ListAndDescribeUnscoped", "PassEnvironmentRoles", "AcceptedUntaggedActions"]);
            const abac = stack.access.policies
                .filter((p) => p.tags[key] !== undefined)
                .filter((p) => /^lz-[a-z0-9-]+-(read|write|admin)$/.test(p.name) || (stack.plan.layout === "single-account" && /-boundary$/.test(p.name)));
            if (stack.plan.layout === "single-account") assert.ok(abac.length >= 4);
            for (const p of abac) {
                const env = p.tags[key];
                for (const s of statements(render(stack, p.document))) {
                    if (s.effect !== "Allow" || unscoped.has(s.sid!)) continue;
                    if (s.sid === "RunInstancesFromAmazonImages") {
                        // Amazon's public images carry no environment: only their owner is checked.
                        assert.deepEqual(s.action, ["ec2:RunInstances"]);
                        assert.deepEqual(s.resource, ["arn:aws:ec2:*::image/*"]);
                        assert.deepEqual(s.condition, { StringEquals: { "ec2:Owner": ["amazon"] } });
                        continue;
                    }
                    const tagged = s.condition?.StringEquals?.[`aws:ResourceTag/${key}`] ?? s.condition?.StringEquals?.[`aws:RequestTag/${key}`];
                    assert.deepEqual(tagged, [env], `${p.key} ${s.sid}`);
                }
                if (!p.name.endsWith("-read")) {
                    const deny = statements(render(stack, p.document)).find((s) => s.sid === "KeepEnvironmentTag");
                    assert.ok(deny && deny.effect === "Deny", `${p.key}: keeps the environment tag`);
                    const create = statements(render(stack, p.document)).find((s) => s.sid === "CreateOnlyWithEnvironmentTag")!;
                    assert.ok(create.condition?.["ForAllValues:StringEquals"]?.["aws:TagKeys"]?.includes(key), `${p.key}: tag keys restricted`);
                    // The existing resources a create, copy or restore reads carry this environment's tag, or none.
                    assert.deepEqual(create.condition?.StringEqualsIfExists?.[`aws:ResourceTag/${key}`], [env], `${p.key}: sources of this environment`);
                }
            }
        });

        it("team groups in the identity account grant nothing but their roles when the environments have accounts of their own", () => {
            if (stack.plan.layout === "single-account") return;
            for (const g of stack.access.groups.filter((x) => !["all-users", "org-admins"].includes(x.key))) {
                for (const key of g.policyKeys) {
                    for (const s of statements(render(stack, stack.access.policies.find((p) => p.key === key)!.document))) {
                        assert.deepEqual(s.action, ["sts:AssumeRole"], `${g.key}`);
                        for (const r of s.resource ?? []) assert.match(String(r), /^arn:aws:iam::\*:role\/landing-zone\/lz-[a-z0-9-]+-(read|write|write-iam|admin)$/);
                        assert.deepEqual(s.condition?.StringEquals?.["aws:ResourceOrgID"], ["${aws:PrincipalOrgID}"]);
                    }
                }
            }
        });

        it("delegated IAM administration: role creation only with the environment's boundary, never in production", () => {
            const prodEnvs = stack.plan.environments.filter((e) => e.production).map((e) => e.name);
            const delegations = stack.access.policies.filter((p) => p.name.endsWith("-iam-delegation"));
            // Not by default in single-account: nothing there stops a delegated role from trusting an outside account.
            assert.equal(delegations.length >= 1, stack.plan.layout !== "single-account");
            for (const p of delegations) {
                const env = p.name.slice(3, -"-iam-delegation".length);
                assert.ok(!prodEnvs.includes(env), p.key);
                for (const s of statements(render(stack, p.document))) {
                    if (s.effect === "Allow" && (s.action ?? []).includes("iam:CreateRole")) {
                        assert.deepEqual(s.condition?.StringLike?.["iam:PermissionsBoundary"], [`arn:aws:iam::*:policy/landing-zone/lz-${env}-boundary`]);
                    }
                }
            }
        });
    });
}

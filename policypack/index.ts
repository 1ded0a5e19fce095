// The landing-zone guardrails policy pack. Each policy lives in its own module under policies/.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("aws-landing-zone-guardrails", {
    description: "Guardrails for AWS IAM and AWS Organizations, enforced at pulumi preview.",
    policies,
});

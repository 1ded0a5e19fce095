// AWS managed policies the pack knows, reviewed: each entry's `grants` are the statements of the
// published policy version named (`version`) that matter to the escalation and full-admin policies,
// kept verbatim but for the actions no escalation path uses (dropped from each statement) and the
// conditional Deny statements (which never remove a grant in the analysis). An entry with no grants
// was reviewed and grants nothing that escalates. Attachments of AWS managed policies not listed
// here are not judged (see docs/policy-pack.md). To add or refresh an entry, take the policy's
// current default version (aws iam get-policy-version) and keep its statements that name iam:*,
// sts:AssumeRole, iam:PassRole or an action of lib/escalation.ts; test/policypack/aws-managed.test.ts
// checks the ARNs and the actions.

export interface AwsManagedPolicy {
    name: string;
    arn: string;
    /** The published default version reviewed. */
    version: string;
    /** Its escalation-relevant statements (empty: reviewed, nothing that escalates). */
    grants: Record<string, unknown>[];
}

export const AWS_MANAGED_POLICIES: AwsManagedPolicy[] = [
    { name: "AdministratorAccess", arn: "arn:aws:iam::aws:policy/AdministratorAccess", version: "v1", grants: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    {
        name: "AdministratorAccess-Amplify",
        arn: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
        version: "v12",
        grants: [
            { Effect: "Allow", Action: ["cloudformation:CreateChangeSet", "cloudformation:CreateStack", "cloudformation:UpdateStack"], Resource: ["arn:aws:cloudformation:*:*:stack/amplify-*"] },
            {
                Effect: "Allow",
                Action: ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PassRole", "iam:CreatePolicyVersion", "lambda:CreateFunction", "lambda:UpdateFunctionCode"],
                Resource: "*",
                Condition: { "ForAnyValue:StringEquals": { "aws:CalledVia": ["cloudformation.amazonaws.com"] } },
            },
            { Effect: "Allow", Action: ["sts:AssumeRole", "lambda:CreateFunction", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole", "iam:CreatePolicyVersion"], Resource: "*" },
            {
                Effect: "Allow",
                Action: ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PassRole", "lambda:CreateFunction", "lambda:UpdateFunctionCode", "iam:UpdateAssumeRolePolicy"],
                Resource: "*",
            },
        ],
    },
    {
        name: "AdministratorAccess-AWSElasticBeanstalk",
        arn: "arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk",
        version: "v10",
        grants: [
            { Effect: "Allow", Action: "ecs:RegisterTaskDefinition", Resource: "*" },
            { Effect: "Allow", Action: ["cloudformation:CreateStack", "cloudformation:UpdateStack"], Resource: ["arn:aws:cloudformation:*:*:stack/awseb-*", "arn:aws:cloudformation:*:*:stack/eb-*"] },
            { Effect: "Allow", Action: "codebuild:CreateProject", Resource: "arn:aws:codebuild:*:*:project/Elastic-Beanstalk-*" },
            { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*", Condition: { ArnLike: { "ec2:LaunchTemplate": "arn:aws:ec2:*:*:launch-template/*" } } },
            {
                Effect: "Allow",
                Action: "iam:AttachRolePolicy",
                Resource: "arn:aws:iam::*:role/aws-elasticbeanstalk*",
                Condition: { ArnLike: { "iam:PolicyArn": ["arn:aws:iam::aws:policy/AWSElasticBeanstalk*", "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalk*"] } },
            },
            {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::*:role/*",
                Condition: {
                    StringEquals: {
                        "iam:PassedToService": [
                            "elasticbeanstalk.amazonaws.com",
                            "ec2.amazonaws.com",
                            "ec2.amazonaws.com.cn",
                            "autoscaling.amazonaws.com",
                            "elasticloadbalancing.amazonaws.com",
                            "ecs.amazonaws.com",
                            "cloudformation.amazonaws.com",
                        ],
                    },
                },
            },
        ],
    },
    { name: "AmazonAPIGatewayAdministrator", arn: "arn:aws:iam::aws:policy/AmazonAPIGatewayAdministrator", version: "v1", grants: [] },
    { name: "AmazonAPIGatewayPushToCloudWatchLogs", arn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs", version: "v1", grants: [] },
    { name: "AmazonAthenaFullAccess", arn: "arn:aws:iam::aws:policy/AmazonAthenaFullAccess", version: "v15", grants: [] },
    { name: "AmazonCognitoPowerUser", arn: "arn:aws:iam::aws:policy/AmazonCognitoPowerUser", version: "v9", grants: [] },
    { name: "AmazonDynamoDBFullAccess", arn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", version: "v15", grants: [] },
    {
        name: "AmazonDynamoDBFullAccesswithDataPipeline",
        arn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccesswithDataPipeline",
        version: "v2",
        grants: [
            { Action: "lambda:*", Effect: "Allow", Resource: "*" },
            { Action: "datapipeline:*", Effect: "Allow", Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: ["*"] },
            { Action: ["ec2:RunInstances", "datapipeline:*"], Effect: "Allow", Resource: "*" },
        ],
    },
    { name: "AmazonDynamoDBReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", version: "v15", grants: [] },
    { name: "AmazonEBSCSIDriverPolicy", arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", version: "v15", grants: [] },
    { name: "AmazonEC2ContainerRegistryFullAccess", arn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess", version: "v3", grants: [] },
    { name: "AmazonEC2ContainerRegistryPowerUser", arn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser", version: "v3", grants: [] },
    { name: "AmazonEC2ContainerRegistryReadOnly", arn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", version: "v3", grants: [] },
    { name: "AmazonEC2FullAccess", arn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess", version: "v5", grants: [{ Action: "ec2:*", Effect: "Allow", Resource: "*" }] },
    { name: "AmazonEC2ReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", version: "v5", grants: [] },
    {
        name: "AmazonEC2SpotFleetTaggingRole",
        arn: "arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole",
        version: "v5",
        grants: [
            { Effect: "Allow", Action: "ec2:RunInstances", Resource: ["*"] },
            { Effect: "Allow", Action: "iam:PassRole", Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } }, Resource: ["*"] },
        ],
    },
    {
        name: "AmazonECS_FullAccess",
        arn: "arn:aws:iam::aws:policy/AmazonECS_FullAccess",
        version: "v21",
        grants: [
            { Effect: "Allow", Action: ["cloudformation:CreateStack", "cloudformation:UpdateStack", "ec2:RunInstances", "ecs:*"], Resource: ["*"] },
            { Action: "iam:PassRole", Effect: "Allow", Resource: ["*"], Condition: { StringLike: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
            { Action: "iam:PassRole", Effect: "Allow", Resource: ["arn:aws:iam::*:role/ecsInfrastructureRole"], Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com" } } },
            {
                Action: "iam:PassRole",
                Effect: "Allow",
                Resource: ["arn:aws:iam::*:role/ecsInstanceRole*"],
                Condition: { StringLike: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
            },
            {
                Action: "iam:PassRole",
                Effect: "Allow",
                Resource: ["arn:aws:iam::*:role/ecsAutoscaleRole*"],
                Condition: { StringLike: { "iam:PassedToService": ["application-autoscaling.amazonaws.com", "application-autoscaling.amazonaws.com.cn"] } },
            },
        ],
    },
    { name: "AmazonECSTaskExecutionRolePolicy", arn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", version: "v1", grants: [] },
    { name: "AmazonEKS_CNI_Policy", arn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", version: "v6", grants: [] },
    { name: "AmazonEKSClusterPolicy", arn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", version: "v10", grants: [{ Effect: "Allow", Action: "ec2:ModifyInstanceAttribute", Resource: "*" }] },
    { name: "AmazonEKSServicePolicy", arn: "arn:aws:iam::aws:policy/AmazonEKSServicePolicy", version: "v7", grants: [] },
    { name: "AmazonEKSVPCResourceController", arn: "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController", version: "v1", grants: [] },
    { name: "AmazonEKSWorkerNodePolicy", arn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", version: "v3", grants: [] },
    {
        name: "AmazonElasticMapReduceFullAccess",
        arn: "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess",
        version: "v7",
        grants: [{ Action: ["cloudformation:CreateStack", "ec2:ModifyInstanceAttribute", "ec2:RunInstances", "iam:PassRole"], Effect: "Allow", Resource: "*" }],
    },
    {
        name: "AmazonElasticMapReduceRole",
        arn: "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole",
        version: "v10",
        grants: [{ Effect: "Allow", Resource: "*", Action: ["ec2:ModifyInstanceAttribute", "ec2:RunInstances", "iam:PassRole"] }],
    },
    {
        name: "AmazonEventBridgeFullAccess",
        arn: "arn:aws:iam::aws:policy/AmazonEventBridgeFullAccess",
        version: "v7",
        grants: [
            { Effect: "Allow", Action: "scheduler:*", Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringLike: { "iam:PassedToService": "events.amazonaws.com" } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringLike: { "iam:PassedToService": "scheduler.amazonaws.com" } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringLike: { "iam:PassedToService": "pipes.amazonaws.com" } } },
        ],
    },
    {
        name: "AmazonEventBridgeSchedulerFullAccess",
        arn: "arn:aws:iam::aws:policy/AmazonEventBridgeSchedulerFullAccess",
        version: "v4",
        grants: [
            { Effect: "Allow", Action: "scheduler:*", Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringLike: { "iam:PassedToService": "scheduler.amazonaws.com" } } },
        ],
    },
    { name: "AmazonKinesisFullAccess", arn: "arn:aws:iam::aws:policy/AmazonKinesisFullAccess", version: "v1", grants: [] },
    { name: "AmazonRDSFullAccess", arn: "arn:aws:iam::aws:policy/AmazonRDSFullAccess", version: "v14", grants: [] },
    { name: "AmazonRDSReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess", version: "v7", grants: [] },
    { name: "AmazonRoute53FullAccess", arn: "arn:aws:iam::aws:policy/AmazonRoute53FullAccess", version: "v7", grants: [] },
    { name: "AmazonS3FullAccess", arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess", version: "v2", grants: [] },
    { name: "AmazonS3ReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", version: "v3", grants: [] },
    {
        name: "AmazonSageMakerFullAccess",
        arn: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
        version: "v29",
        grants: [
            {
                Effect: "Allow",
                Action: "sagemaker:*",
                NotResource: [
                    "arn:aws:sagemaker:*:*:domain/*",
                    "arn:aws:sagemaker:*:*:user-profile/*",
                    "arn:aws:sagemaker:*:*:app/*",
                    "arn:aws:sagemaker:*:*:space/*",
                    "arn:aws:sagemaker:*:*:partner-app/*",
                    "arn:aws:sagemaker:*:*:flow-definition/*",
                    "arn:aws:sagemaker:*:*:training-plan/*",
                    "arn:aws:sagemaker:*:*:reserved-capacity/*",
                ],
            },
            { Effect: "Allow", Action: "sagemaker:CreateTrainingJob", Resource: ["arn:aws:sagemaker:*:*:training-plan/*", "arn:aws:sagemaker:*:*:reserved-capacity/*"] },
            {
                Effect: "Allow",
                Action: "sagemaker:*",
                Resource: ["arn:aws:sagemaker:*:*:flow-definition/*"],
                Condition: { StringEqualsIfExists: { "sagemaker:WorkteamType": ["private-crowd", "vendor-crowd"] } },
            },
            { Effect: "Allow", Action: "glue:CreateJob", Resource: "*" },
            {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::*:role/*AmazonSageMaker*",
                Condition: { StringEquals: { "iam:PassedToService": ["glue.amazonaws.com", "robomaker.amazonaws.com", "states.amazonaws.com"] } },
            },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } },
        ],
    },
    { name: "AmazonSNSFullAccess", arn: "arn:aws:iam::aws:policy/AmazonSNSFullAccess", version: "v2", grants: [] },
    { name: "AmazonSQSFullAccess", arn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess", version: "v1", grants: [] },
    {
        name: "AmazonSSMAutomationRole",
        arn: "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole",
        version: "v9",
        grants: [
            { Effect: "Allow", Action: ["ec2:RunInstances", "cloudformation:CreateStack", "cloudformation:UpdateStack"], Resource: ["*"] },
            { Effect: "Allow", Action: "ssm:*", Resource: ["*"] },
        ],
    },
    { name: "AmazonSSMFullAccess", arn: "arn:aws:iam::aws:policy/AmazonSSMFullAccess", version: "v4", grants: [{ Effect: "Allow", Action: "ssm:*", Resource: "*" }] },
    {
        name: "AmazonSSMMaintenanceWindowRole",
        arn: "arn:aws:iam::aws:policy/service-role/AmazonSSMMaintenanceWindowRole",
        version: "v3",
        grants: [{ Effect: "Allow", Action: "ssm:SendCommand", Resource: ["*"] }],
    },
    { name: "AmazonSSMManagedInstanceCore", arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", version: "v2", grants: [] },
    { name: "AmazonVPCFullAccess", arn: "arn:aws:iam::aws:policy/AmazonVPCFullAccess", version: "v13", grants: [] },
    { name: "AWSBackupOperatorAccess", arn: "arn:aws:iam::aws:policy/AWSBackupOperatorAccess", version: "v28", grants: [] },
    { name: "AWSBackupServiceRolePolicyForBackup", arn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup", version: "v30", grants: [] },
    { name: "AWSBatchFullAccess", arn: "arn:aws:iam::aws:policy/AWSBatchFullAccess", version: "v7", grants: [] },
    {
        name: "AWSBatchServiceRole",
        arn: "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole",
        version: "v14",
        grants: [
            { Effect: "Allow", Action: ["ec2:RunInstances", "ecs:RegisterTaskDefinition"], Resource: "*" },
            {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: ["*"],
                Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn", "ecs-tasks.amazonaws.com"] } },
            },
        ],
    },
    { name: "AWSBillingReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess", version: "v28", grants: [] },
    { name: "AWSCloudFormationFullAccess", arn: "arn:aws:iam::aws:policy/AWSCloudFormationFullAccess", version: "v1", grants: [{ Effect: "Allow", Action: "cloudformation:*", Resource: "*" }] },
    { name: "AWSCodeBuildAdminAccess", arn: "arn:aws:iam::aws:policy/AWSCodeBuildAdminAccess", version: "v20", grants: [] },
    { name: "AWSCodeCommitPowerUser", arn: "arn:aws:iam::aws:policy/AWSCodeCommitPowerUser", version: "v18", grants: [] },
    { name: "AWSCodeDeployFullAccess", arn: "arn:aws:iam::aws:policy/AWSCodeDeployFullAccess", version: "v6", grants: [] },
    { name: "AWSCodePipeline_FullAccess", arn: "arn:aws:iam::aws:policy/AWSCodePipeline_FullAccess", version: "v3", grants: [] },
    { name: "AWSDataPipeline_FullAccess", arn: "arn:aws:iam::aws:policy/AWSDataPipeline_FullAccess", version: "v2", grants: [] },
    {
        name: "AWSElasticBeanstalkService",
        arn: "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkService",
        version: "v17",
        grants: [
            { Effect: "Allow", Action: "cloudformation:*", Resource: ["arn:aws:cloudformation:*:*:stack/awseb-*", "arn:aws:cloudformation:*:*:stack/eb-*"] },
            { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*", Condition: { ArnLike: { "ec2:LaunchTemplate": "arn:aws:ec2:*:*:launch-template/*" } } },
            { Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "iam:PassRole", "codebuild:CreateProject"], Resource: ["*"] },
        ],
    },
    {
        name: "AWSGlueConsoleFullAccess",
        arn: "arn:aws:iam::aws:policy/AWSGlueConsoleFullAccess",
        version: "v14",
        grants: [
            { Effect: "Allow", Action: "glue:*", Resource: ["*"] },
            { Effect: "Allow", Action: "cloudformation:CreateStack", Resource: "arn:aws:cloudformation:*:*:stack/aws-glue*/*" },
            {
                Effect: "Allow",
                Action: "ec2:RunInstances",
                Resource: [
                    "arn:aws:ec2:*:*:instance/*",
                    "arn:aws:ec2:*:*:key-pair/*",
                    "arn:aws:ec2:*:*:image/*",
                    "arn:aws:ec2:*:*:security-group/*",
                    "arn:aws:ec2:*:*:network-interface/*",
                    "arn:aws:ec2:*:*:subnet/*",
                    "arn:aws:ec2:*:*:volume/*",
                ],
            },
            { Action: "iam:PassRole", Effect: "Allow", Resource: "arn:aws:iam::*:role/AWSGlueServiceRole*", Condition: { StringLike: { "iam:PassedToService": ["glue.amazonaws.com"] } } },
            { Action: "iam:PassRole", Effect: "Allow", Resource: "arn:aws:iam::*:role/AWSGlueServiceNotebookRole*", Condition: { StringLike: { "iam:PassedToService": ["ec2.amazonaws.com"] } } },
            {
                Action: "iam:PassRole",
                Effect: "Allow",
                Resource: ["arn:aws:iam::*:role/service-role/AWSGlueServiceRole*"],
                Condition: { StringLike: { "iam:PassedToService": ["glue.amazonaws.com"] } },
            },
        ],
    },
    { name: "AWSGlueServiceRole", arn: "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole", version: "v5", grants: [{ Effect: "Allow", Action: "glue:*", Resource: ["*"] }] },
    { name: "AWSKeyManagementServicePowerUser", arn: "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser", version: "v2", grants: [] },
    {
        name: "AWSLambda_FullAccess",
        arn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
        version: "v7",
        grants: [
            { Effect: "Allow", Action: "lambda:*", Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
        ],
    },
    { name: "AWSLambdaBasicExecutionRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", version: "v1", grants: [] },
    { name: "AWSLambdaDynamoDBExecutionRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole", version: "v1", grants: [] },
    { name: "AWSLambdaKinesisExecutionRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole", version: "v2", grants: [] },
    { name: "AWSLambdaRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole", version: "v1", grants: [] },
    { name: "AWSLambdaSQSQueueExecutionRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole", version: "v1", grants: [] },
    { name: "AWSLambdaVPCAccessExecutionRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", version: "v3", grants: [] },
    {
        name: "AWSMarketplaceFullAccess",
        arn: "arn:aws:iam::aws:policy/AWSMarketplaceFullAccess",
        version: "v7",
        grants: [
            { Effect: "Allow", Action: ["cloudformation:CreateStack", "ec2:RunInstances"], Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: ["*"], Condition: { StringLike: { "iam:PassedToService": ["ec2.amazonaws.com"] } } },
        ],
    },
    { name: "AWSOrganizationsFullAccess", arn: "arn:aws:iam::aws:policy/AWSOrganizationsFullAccess", version: "v9", grants: [] },
    { name: "AWSStepFunctionsFullAccess", arn: "arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess", version: "v1", grants: [] },
    { name: "AWSSupportAccess", arn: "arn:aws:iam::aws:policy/AWSSupportAccess", version: "v4", grants: [] },
    { name: "AWSXrayWriteOnlyAccess", arn: "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", version: "v2", grants: [] },
    { name: "Billing", arn: "arn:aws:iam::aws:policy/job-function/Billing", version: "v30", grants: [] },
    { name: "CloudWatchAgentServerPolicy", arn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", version: "v3", grants: [] },
    {
        name: "CloudWatchEventsFullAccess",
        arn: "arn:aws:iam::aws:policy/CloudWatchEventsFullAccess",
        version: "v5",
        grants: [
            { Effect: "Allow", Action: "scheduler:*", Resource: "*" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/AWS_Events_Invoke_Targets" },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*", Condition: { StringEquals: { "iam:PassedToService": "pipes.amazonaws.com" } } },
        ],
    },
    { name: "CloudWatchFullAccessV2", arn: "arn:aws:iam::aws:policy/CloudWatchFullAccessV2", version: "v16", grants: [] },
    { name: "CloudWatchLogsFullAccess", arn: "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess", version: "v8", grants: [] },
    { name: "DatabaseAdministrator", arn: "arn:aws:iam::aws:policy/job-function/DatabaseAdministrator", version: "v5", grants: [] },
    {
        name: "DataScientist",
        arn: "arn:aws:iam::aws:policy/job-function/DataScientist",
        version: "v5",
        grants: [
            { Action: ["cloudformation:CreateStack", "ec2:ModifyInstanceAttribute", "lambda:Create*", "lambda:Update*"], Effect: "Allow", Resource: "*" },
            { Effect: "Allow", Action: "ec2:RunInstances", Resource: ["*"] },
            {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: [
                    "arn:aws:iam::*:role/DataPipelineDefaultRole",
                    "arn:aws:iam::*:role/DataPipelineDefaultResourceRole",
                    "arn:aws:iam::*:role/EMR_EC2_DefaultRole",
                    "arn:aws:iam::*:role/EMR_DefaultRole",
                    "arn:aws:iam::*:role/kinesis-*",
                ],
            },
            { Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } },
            {
                Effect: "Allow",
                Action: "sagemaker:*",
                NotResource: ["arn:aws:sagemaker:*:*:domain/*", "arn:aws:sagemaker:*:*:user-profile/*", "arn:aws:sagemaker:*:*:app/*", "arn:aws:sagemaker:*:*:flow-definition/*"],
            },
        ],
    },
    { name: "EC2InstanceConnect", arn: "arn:aws:iam::aws:policy/EC2InstanceConnect", version: "v1", grants: [{ Action: "ec2-instance-connect:SendSSHPublicKey", Effect: "Allow", Resource: "*" }] },
    { name: "ElasticLoadBalancingFullAccess", arn: "arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess", version: "v9", grants: [] },
    { name: "IAMFullAccess", arn: "arn:aws:iam::aws:policy/IAMFullAccess", version: "v2", grants: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] },
    { name: "NetworkAdministrator", arn: "arn:aws:iam::aws:policy/job-function/NetworkAdministrator", version: "v16", grants: [] },
    { name: "PowerUserAccess", arn: "arn:aws:iam::aws:policy/PowerUserAccess", version: "v12", grants: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
    { name: "ReadOnlyAccess", arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", version: "v188", grants: [] },
    {
        name: "SecretsManagerReadWrite",
        arn: "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
        version: "v6",
        grants: [
            { Effect: "Allow", Action: "cloudformation:CreateChangeSet", Resource: "*" },
            { Effect: "Allow", Action: "lambda:CreateFunction", Resource: "arn:aws:lambda:*:*:function:SecretsManager*" },
        ],
    },
    { name: "SecurityAudit", arn: "arn:aws:iam::aws:policy/SecurityAudit", version: "v92", grants: [] },
    {
        name: "SystemAdministrator",
        arn: "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
        version: "v12",
        grants: [
            { Action: ["ec2:Modify*", "lambda:Create*", "lambda:Update*"], Effect: "Allow", Resource: "*" },
            { Action: "ec2:RunInstances", Effect: "Allow", Resource: ["*"] },
            {
                Action: "iam:PassRole",
                Effect: "Allow",
                Resource: ["arn:aws:iam::*:role/rds-monitoring-role", "arn:aws:iam::*:role/ec2-sysadmin-*", "arn:aws:iam::*:role/ecr-sysadmin-*", "arn:aws:iam::*:role/lambda-sysadmin-*"],
            },
        ],
    },
    { name: "ViewOnlyAccess", arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", version: "v45", grants: [] },
];

const byArn = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

/** The reviewed entry for an AWS managed policy ARN, if the pack knows it. */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
    return byArn.get(arn);
}

/** Its escalation-relevant grants as a policy document. */
export function awsManagedDocument(p: AwsManagedPolicy): Record<string, unknown> {
    return { Version: "2012-10-17", Statement: p.grants };
}

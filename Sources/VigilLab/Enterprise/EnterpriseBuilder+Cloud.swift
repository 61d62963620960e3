import Foundation
import VigilCore

extension EnterpriseBuilder {
    mutating func makeAccounts(people: [Person]) -> [CloudAccount] {
        let specs: [(CloudAccount.Environment, String, String, String, [String])] = [
            (
                .production, "meridian-prod", "platform@meridian.example", "critical",
                ["us-east-1", "us-west-2", "eu-west-1"]
            ),
            (.staging, "meridian-staging", "platform@meridian.example", "high", ["us-east-1", "eu-west-1"]),
            (.development, "meridian-dev", "engineering@meridian.example", "medium", ["us-east-1", "us-west-2"]),
            (.security, "meridian-security", "security@meridian.example", "critical", ["us-east-1"]),
            (.shared, "meridian-shared-services", "platform@meridian.example", "high", ["us-east-1"]),
        ]
        var accounts: [CloudAccount] = []
        for (environment, alias, owner, criticality, regions) in specs {
            let id = String(rng.int(in: 1...9)) + rng.digits(11)
            let sso = rng.hex(16)
            func role(_ name: String, _ policies: [String], _ trusted: [String], _ description: String) -> IAMRole {
                IAMRole(
                    name: name, arn: "arn:aws:iam::\(id):role/\(name)", principalID: "AROA" + rng.awsID(17),
                    created: past(daysAgo: 200...1500), policies: policies, trustedBy: trusted, description: description
                )
            }
            let samlProvider = "arn:aws:iam::\(id):saml-provider/AWSSSO_\(sso)_DO_NOT_DELETE"
            var roles = [
                role(
                    "AWSReservedSSO_AdministratorAccess_\(rng.hex(16))",
                    ["arn:aws:iam::aws:policy/AdministratorAccess"], [samlProvider],
                    "IAM Identity Center permission set AdministratorAccess"),
                role(
                    "AWSReservedSSO_PowerUserAccess_\(rng.hex(16))", ["arn:aws:iam::aws:policy/PowerUserAccess"],
                    [samlProvider], "IAM Identity Center permission set PowerUserAccess"),
                role(
                    "AWSReservedSSO_ReadOnlyAccess_\(rng.hex(16))", ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    [samlProvider], "IAM Identity Center permission set ReadOnlyAccess"),
                role(
                    "OrganizationAccountAccessRole", ["arn:aws:iam::aws:policy/AdministratorAccess"],
                    ["arn:aws:iam::\(id):root"], "Created by AWS Organizations"),
                role(
                    "DatadogIntegrationRole",
                    ["arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::\(id):policy/DatadogIntegrationPolicy"],
                    ["arn:aws:iam::464622532012:root"], "Datadog AWS integration (read-only monitoring)"),
                role(
                    "terraform-apply", ["arn:aws:iam::aws:policy/AdministratorAccess"],
                    ["arn:aws:iam::{shared}:role/terraform-runner"],
                    "Assumed by the Terraform runner in shared services for plan and apply"),
                role(
                    "SecurityAuditRole", ["arn:aws:iam::aws:policy/SecurityAudit"], ["arn:aws:iam::{security}:root"],
                    "Read-only access for the security account"),
            ]
            if environment != .security && environment != .shared {
                roles.append(
                    role(
                        "github-actions-deploy", ["arn:aws:iam::\(id):policy/DeployServices"],
                        ["token.actions.githubusercontent.com:repo:meridian/*:ref:refs/heads/main"],
                        "GitHub Actions OIDC deploy role"))
            }
            if environment == .production {
                roles.append(
                    role(
                        "BreakGlassAdmin", ["arn:aws:iam::aws:policy/AdministratorAccess"],
                        [samlProvider + " (group break-glass, MFA required)"],
                        "Emergency administrator access; use requires an incident ticket"))
                roles.append(
                    role(
                        "backup-operator", ["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"],
                        ["backup.amazonaws.com"], "AWS Backup service role"))
                roles.append(
                    role(
                        "access-key-rotation-lambda", ["arn:aws:iam::\(id):policy/RotateServiceKeys"],
                        ["lambda.amazonaws.com"], "Rotates service-user access keys every 90 days"))
                roles.append(
                    role(
                        "orders-api-task", ["arn:aws:iam::\(id):policy/OrdersApi"], ["ecs-tasks.amazonaws.com"],
                        "ECS task role for the orders API"))
            }
            if environment == .shared {
                roles.append(
                    role(
                        "terraform-runner", ["arn:aws:iam::\(id):policy/AssumeTerraformApply"],
                        ["arn:aws:iam::\(id):role/ci-runner-instance"], "Terraform runner in the CI VPC"))
            }
            var users: [IAMUser] = []
            func user(_ name: String, owner: String, policies: [String], keys: Int, console: Bool) -> IAMUser {
                let created = past(daysAgo: 100...1400)
                let accessKeys = (0..<keys).map { k -> AccessKey in
                    let keyCreated = created.adding(seconds: Int64(rng.int(in: 86_400...86_400 * 90)))
                    return AccessKey(
                        id: "AKIA" + rng.awsID(16), status: k == 0 ? "Active" : "Inactive", created: keyCreated,
                        lastUsed: k == 0 ? epoch.adding(seconds: -Int64(rng.int(in: 600...86_400 * 3))) : keyCreated,
                        lastUsedService: k == 0 ? rng.pick(["s3", "ec2", "sts", "dynamodb"]) : nil,
                        lastUsedRegion: k == 0 ? regions[0] : nil)
                }
                return IAMUser(
                    name: name, arn: "arn:aws:iam::\(id):user/\(name)", principalID: "AIDA" + rng.awsID(17),
                    created: created, policies: policies, accessKeys: accessKeys, consoleAccess: console,
                    mfaEnabled: console, owner: owner)
            }
            var resources: [CloudResource] = []
            func resource(
                _ arn: String, _ type: String, _ name: String, _ region: String, _ tags: [String: String],
                _ internet: Bool = false
            ) {
                resources.append(
                    CloudResource(
                        arn: arn, type: type, name: name, region: region, tags: tags, internetFacing: internet))
            }
            let region = regions[0]
            switch environment {
            case .production:
                users.append(
                    user(
                        "svc-reporting", owner: "finance@meridian.example",
                        policies: ["arn:aws:iam::\(id):policy/ReportingReadOnly"], keys: 1, console: false))
                users.append(
                    user(
                        "legacy-deploy", owner: "platform@meridian.example",
                        policies: ["arn:aws:iam::\(id):policy/LegacyDeploy"], keys: 2, console: false))
                for bucket in [
                    ("meridian-prod-customer-data", "confidential"), ("meridian-prod-app-logs", "internal"),
                    ("meridian-prod-backups", "confidential"), ("meridian-public-assets", "public"),
                ] {
                    resource(
                        "arn:aws:s3:::\(bucket.0)", "AWS::S3::Bucket", bucket.0, region,
                        ["data-classification": bucket.1, "owner": "platform"], bucket.1 == "public")
                }
                for (n, role) in ["web", "web", "api", "api", "worker", "bastion"].enumerated() {
                    let instance = "i-0" + rng.hex(16)
                    resource(
                        "arn:aws:ec2:\(region):\(id):instance/\(instance)", "AWS::EC2::Instance",
                        "prod-\(role)-\(n + 1)", region, ["role": role, "env": "production"],
                        role == "web" || role == "bastion")
                }
                resource(
                    "arn:aws:rds:\(region):\(id):db:prod-orders-db", "AWS::RDS::DBInstance", "prod-orders-db", region,
                    ["data-classification": "confidential"])
                resource(
                    "arn:aws:kms:\(region):\(id):key/\(rng.uuid())", "AWS::KMS::Key", "prod-data-key", region,
                    ["purpose": "s3-and-rds-encryption"])
                resource(
                    "arn:aws:secretsmanager:\(region):\(id):secret:prod/orders-db-\(rng.alphanumeric(6))",
                    "AWS::SecretsManager::Secret", "prod/orders-db", region, ["data-classification": "secret"])
            case .staging:
                users.append(
                    user(
                        "svc-loadtest", owner: "platform@meridian.example",
                        policies: ["arn:aws:iam::\(id):policy/LoadTest"], keys: 1, console: false))
                resource(
                    "arn:aws:s3:::meridian-staging-artifacts", "AWS::S3::Bucket", "meridian-staging-artifacts", region,
                    ["data-classification": "internal"])
                for n in 1...3 {
                    resource(
                        "arn:aws:ec2:\(region):\(id):instance/i-0\(rng.hex(16))", "AWS::EC2::Instance",
                        "staging-app-\(n)", region, ["env": "staging"])
                }
            case .development:
                for person in people.filter({ $0.department == "Engineering" }).prefix(8) {
                    let name = person.login.split(separator: "@")[0]
                    users.append(
                        user(
                            String(name), owner: person.login, policies: ["arn:aws:iam::\(id):policy/DeveloperAccess"],
                            keys: 1, console: true))
                }
                resource(
                    "arn:aws:s3:::meridian-dev-sandbox", "AWS::S3::Bucket", "meridian-dev-sandbox", region,
                    ["data-classification": "internal"])
                for n in 1...4 {
                    resource(
                        "arn:aws:ec2:\(region):\(id):instance/i-0\(rng.hex(16))", "AWS::EC2::Instance", "dev-box-\(n)",
                        region, ["env": "development"])
                }
            case .security:
                users.append(
                    user(
                        "svc-siem-ingest", owner: "security@meridian.example",
                        policies: ["arn:aws:iam::\(id):policy/ReadCloudTrailBucket"], keys: 1, console: false))
                resource(
                    "arn:aws:s3:::meridian-org-cloudtrail", "AWS::S3::Bucket", "meridian-org-cloudtrail", region,
                    ["data-classification": "restricted"])
                resource(
                    "arn:aws:cloudtrail:\(region):\(id):trail/org-trail", "AWS::CloudTrail::Trail", "org-trail", region,
                    ["scope": "organization"])
                resource(
                    "arn:aws:guardduty:\(region):\(id):detector/\(rng.hex(32))", "AWS::GuardDuty::Detector",
                    "org-detector", region, [:])
            case .shared:
                resource(
                    "arn:aws:s3:::meridian-terraform-state", "AWS::S3::Bucket", "meridian-terraform-state", region,
                    ["data-classification": "restricted"])
                resource(
                    "arn:aws:s3:::meridian-ci-artifacts", "AWS::S3::Bucket", "meridian-ci-artifacts", region,
                    ["data-classification": "internal"])
                resource(
                    "arn:aws:ecr:\(region):\(id):repository/orders-api", "AWS::ECR::Repository", "orders-api", region,
                    [:])
            }
            accounts.append(
                CloudAccount(
                    id: id, alias: alias, environment: environment, owner: owner, criticality: criticality,
                    regions: regions,
                    users: users, roles: roles, resources: resources))
        }
        // Resolve cross-account trust placeholders now that every account has an id.
        let shared = accounts.first { $0.environment == .shared }!.id
        let security = accounts.first { $0.environment == .security }!.id
        for a in accounts.indices {
            for r in accounts[a].roles.indices {
                accounts[a].roles[r].trustedBy = accounts[a].roles[r].trustedBy.map {
                    $0.replacingOccurrences(of: "{shared}", with: shared).replacingOccurrences(
                        of: "{security}", with: security)
                }
            }
        }
        return accounts
    }

    func makeAutomation(accounts: [CloudAccount]) -> [AutomationPrincipal] {
        var result: [AutomationPrincipal] = []
        for account in accounts where [.production, .staging, .development].contains(account.environment) {
            result.append(
                AutomationPrincipal(
                    name: "terraform-\(account.environment.rawValue)", kind: .terraform, accountID: account.id,
                    roleARN: account.role(named: "terraform-apply")!.arn, sessionName: "terraform-run",
                    sourceNetworks: [LabCatalog.ciNAT], userAgent: UserAgents.terraform, scheduleHoursUTC: [],
                    usualActions: [
                        "AttachRolePolicy", "CreateRole", "PutRolePolicy", "AuthorizeSecurityGroupIngress",
                        "CreatePolicyVersion", "UpdateAssumeRolePolicy", "PutBucketPolicy", "CreateSecurityGroup",
                        "DetachRolePolicy", "TagResource",
                    ],
                    owner: "platform@meridian.example"))
            result.append(
                AutomationPrincipal(
                    name: "github-actions-\(account.environment.rawValue)", kind: .ciDeploy, accountID: account.id,
                    roleARN: account.role(named: "github-actions-deploy")!.arn, sessionName: "GitHubActions",
                    sourceNetworks: [LabCatalog.githubRunners], userAgent: UserAgents.ciCLI, scheduleHoursUTC: [],
                    usualActions: [
                        "UpdateService", "RegisterTaskDefinition", "PutObject", "UpdateFunctionCode", "PutImage",
                        "DescribeServices",
                    ],
                    owner: "engineering@meridian.example"))
            result.append(
                AutomationPrincipal(
                    name: "datadog-\(account.environment.rawValue)", kind: .monitoring, accountID: account.id,
                    roleARN: account.role(named: "DatadogIntegrationRole")!.arn, sessionName: "DatadogAWSIntegration",
                    sourceNetworks: [LabCatalog.datadog], userAgent: UserAgents.datadog, scheduleHoursUTC: [],
                    usualActions: [
                        "DescribeInstances", "ListBuckets", "GetMetricData", "DescribeRegions", "ListFunctions",
                        "DescribeDBInstances",
                    ],
                    owner: "platform@meridian.example"))
        }
        let prod = accounts.first { $0.environment == .production }!
        result.append(
            AutomationPrincipal(
                name: "aws-backup-production", kind: .backup, accountID: prod.id,
                roleARN: prod.role(named: "backup-operator")!.arn,
                sessionName: "AWSBackup-backup-operator", sourceNetworks: [], userAgent: "backup.amazonaws.com",
                scheduleHoursUTC: [2, 3],
                usualActions: ["CreateSnapshot", "GetObject", "ListObjects", "CopySnapshot", "StartBackupJob"],
                owner: "platform@meridian.example"))
        result.append(
            AutomationPrincipal(
                name: "key-rotation-production", kind: .keyRotation, accountID: prod.id,
                roleARN: prod.role(named: "access-key-rotation-lambda")!.arn, sessionName: "access-key-rotation",
                sourceNetworks: [LabCatalog.ciNAT], userAgent: UserAgents.lambdaBoto3, scheduleHoursUTC: [4],
                usualActions: ["CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey", "ListAccessKeys"],
                owner: "security@meridian.example"))
        return result
    }
}

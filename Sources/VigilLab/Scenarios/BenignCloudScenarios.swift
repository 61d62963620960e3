import VigilCore

/// Benign AWS activity that fires detections: automation and administrators doing their jobs.
enum BenignCloudScenarios {
    static let all: [Scenario] = [
        terraformApply, ciDeployNewRunner, scheduledBackup, breakGlass, monitoringSweep, keyRotation,
        terraformTrailUpdate, securityAuditAssume,
    ]

    static let terraformApply = Scenario(
        id: "terraform_apply", label: .benign, weight: 10, hard: false,
        summary: "Terraform attaches policies to roles during a reviewed apply"
    ) { ctx in
        let tf = ctx.rng.pick(ctx.enterprise.automation.filter { $0.kind == .terraform })
        let account = ctx.enterprise.account(id: tf.accountID)!
        let engineer = ctx.person(inGroup: "aws-admins")
        let start = ctx.workingHours(engineer)
        let change = ctx.ticket(
            "CHG", type: "Change", summary: "Grant orders-api access to the new SQS queue (\(account.alias))",
            description:
                "Adds the OrdersQueueAccess policy to the orders-api task role. Reviewed in the infrastructure pull request; applied by the Terraform pipeline.",
            reporter: engineer.login, assignee: engineer.login, labels: ["terraform", account.alias],
            entities: [account.id, engineer.login, tf.roleARN], created: start.adding(seconds: -86_400),
            status: "In Progress")
        let role = ctx.rng.pick(
            account.roles.filter { !$0.name.hasPrefix("AWSReserved") && $0.name != "terraform-apply" })
        let identity = ctx.roleSession(
            account.role(named: "terraform-apply")!, in: account, session: "terraform-run-\(ctx.rng.digits(10))",
            issued: start.adding(seconds: -30))
        let ip = tf.sourceNetworks[0].address(ctx.rng.int(in: 1...4) * 11)
        let policyARN = "arn:aws:iam::\(account.id):policy/OrdersQueueAccess"
        var events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: start, identity: identity, eventSource: "iam.amazonaws.com", eventName: "CreatePolicy",
                    region: "us-east-1", sourceIP: ip, userAgent: tf.userAgent,
                    requestParameters: [
                        "policyName": "OrdersQueueAccess", "path": "/",
                        "policyDocument":
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:SendMessage\",\"sqs:ReceiveMessage\"],\"Resource\":\"arn:aws:sqs:us-east-1:\(account.id):orders\"}]}",
                    ],
                    responseElements: [
                        "policy": [
                            "policyName": "OrdersQueueAccess", "arn": .string(policyARN), "defaultVersionId": "v1",
                            "attachmentCount": 0,
                        ]
                    ])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: start.adding(seconds: 3), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "AttachRolePolicy", region: "us-east-1", sourceIP: ip, userAgent: tf.userAgent,
                    requestParameters: ["roleName": .string(role.name), "policyArn": .string(policyARN)])),
        ]
        if ctx.rng.chance(0.5) {
            events.append(
                ctx.cloudTrail(
                    CloudTrailRecord(
                        time: start.adding(seconds: 5), identity: identity, eventSource: "iam.amazonaws.com",
                        eventName: "TagRole", region: "us-east-1", sourceIP: ip, userAgent: tf.userAgent,
                        requestParameters: [
                            "roleName": .string(role.name), "tags": [["key": "managed-by", "value": "terraform"]],
                        ])))
        }
        return AlertDraft(
            rule: .policyAttached, title: "Policy attached to role \(role.name) in \(account.alias)", events: events,
            context: ["account_alias": .string(account.alias)],
            rationale:
                "The Terraform apply role acted from the CI runner NAT with the Terraform user agent; change \(change.key) covers the policy."
        )
    }

    static let ciDeployNewRunner = Scenario(
        id: "ci_deploy_new_runner_ip", label: .benign, weight: 9, hard: false,
        summary: "A GitHub Actions deploy runs from a runner address never seen before"
    ) { ctx in
        let ci = ctx.rng.pick(ctx.enterprise.automation.filter { $0.kind == .ciDeploy })
        let account = ctx.enterprise.account(id: ci.accountID)!
        let time = ctx.utcTime(hours: 13...22)
        let ip = ci.sourceNetworks[0].address(ctx.rng.int(in: 200...60_000))
        let identity = ctx.roleSession(
            account.role(named: "github-actions-deploy")!, in: account, session: "GitHubActions",
            issued: time.adding(seconds: -20))
        let region = account.regions[0]
        let service = ctx.rng.pick(["orders-api", "billing-worker", "web-frontend"])
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "ecs.amazonaws.com",
                    eventName: "RegisterTaskDefinition", region: region, sourceIP: ip, userAgent: ci.userAgent,
                    requestParameters: ["family": .string(service), "networkMode": "awsvpc"])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 4), identity: identity, eventSource: "ecs.amazonaws.com",
                    eventName: "UpdateService", region: region, sourceIP: ip, userAgent: ci.userAgent,
                    requestParameters: [
                        "cluster": "main", "service": .string(service),
                        "taskDefinition": .string("\(service):\(ctx.rng.int(in: 100...900))"),
                    ])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 9), identity: identity, eventSource: "ecs.amazonaws.com",
                    eventName: "DescribeServices", region: region, sourceIP: ip, userAgent: ci.userAgent,
                    requestParameters: ["cluster": "main", "services": [.string(service)]], readOnly: true)),
        ]
        return AlertDraft(
            rule: .newSourceIP,
            title: "github-actions-deploy called AWS from new address \(ip) (AS\(ci.sourceNetworks[0].asn))",
            events: events, context: ["new_ip": .string(ip), "asn": .int(Int64(ci.sourceNetworks[0].asn))],
            rationale:
                "GitHub-hosted runners rotate addresses inside Microsoft's AS8075; the OIDC deploy role made its usual ECS deploy calls with the CI user agent."
        )
    }

    static let scheduledBackup = Scenario(
        id: "scheduled_backup", label: .benign, weight: 7, hard: true,
        summary: "The nightly backup reads thousands of objects from the customer-data bucket"
    ) { ctx in
        let backup = ctx.enterprise.automation(.backup)
        let account = ctx.enterprise.account(id: backup.accountID)!
        let time = ctx.utcTime(hours: 2...3)
        let identity = ctx.roleSession(
            account.role(named: "backup-operator")!, in: account, session: backup.sessionName,
            issued: time.adding(seconds: -60))
        let bucket = ctx.rng.pick(["meridian-prod-customer-data", "meridian-prod-app-logs"])
        var events: [JSONValue] = []
        for i in 0..<8 {
            let key = "exports/\(ctx.rng.hex(8))/part-\(String(format2: i)).parquet"
            events.append(
                ctx.s3GetObject(
                    at: time.adding(seconds: Int64(i * 2)), by: identity, bucket: bucket, key: key,
                    accountID: account.id, sourceIP: "backup.amazonaws.com", userAgent: "backup.amazonaws.com",
                    bytes: 5_000_000...90_000_000))
        }
        let total = ctx.rng.int(in: 9000...16_000)
        return AlertDraft(
            rule: .s3HighVolume, title: "\(total) GetObject calls on \(bucket) in 10 minutes", events: events,
            context: [
                "object_count": .int(Int64(total)), "bucket": .string(bucket),
                "bytes_out": .int(Int64(total) * 40_000_000),
            ],
            rationale:
                "AWS Backup's service role read the bucket from backup.amazonaws.com inside the 02:00–04:00 UTC backup window, as every night."
        )
    }

    static let breakGlass = Scenario(
        id: "break_glass_with_ticket", label: .benign, weight: 3, hard: true,
        summary: "The on-call engineer uses break-glass admin at night during a paged incident"
    ) { ctx in
        let prod = ctx.enterprise.account(.production)
        let engineer = ctx.person(inGroup: "break-glass")
        let time = ctx.localTime(engineer, hour: ctx.rng.pick([1, 2, 3, 23]))
        let incident = ctx.ticket(
            "INC", type: "Incident", summary: "SEV2: orders-api 5xx spike, database connections exhausted",
            description:
                "Paged at night. On-call needs BreakGlassAdmin to resize prod-orders-db and raise the connection limit.",
            reporter: engineer.login, assignee: engineer.login, labels: ["sev2", "on-call", "break-glass"],
            entities: [engineer.login, prod.id, "prod-orders-db"], created: time.adding(seconds: -900),
            status: "In Progress")
        let (ip, network) = (engineer.homeIP, engineer.homeNetwork)
        let role = prod.role(named: "BreakGlassAdmin")!
        let session = engineer.login
        let identity = ctx.roleSession(role, in: prod, session: session, mfa: true, issued: time)
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin",
                    region: "us-east-1", sourceIP: ip,
                    userAgent: UserAgents.browser(for: ctx.primaryDevice(of: engineer).platform),
                    responseElements: ["ConsoleLogin": "Success"],
                    additionalEventData: [
                        "LoginTo": "https://console.aws.amazon.com/console/home?region=us-east-1",
                        "MobileVersion": "No", "MFAUsed": "Yes",
                    ], eventType: "AwsConsoleSignIn")),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 240), identity: identity, eventSource: "rds.amazonaws.com",
                    eventName: "ModifyDBInstance", region: "us-east-1", sourceIP: ip, userAgent: UserAgents.console,
                    requestParameters: [
                        "dBInstanceIdentifier": "prod-orders-db", "dBInstanceClass": "db.r6g.2xlarge",
                        "applyImmediately": true,
                    ], consoleSession: true)),
        ]
        return AlertDraft(
            rule: .privilegedLogin, title: "BreakGlassAdmin console login to \(prod.alias) by \(session)",
            events: events, context: ["role": .string(role.name), "network": .string(network.isp)],
            rationale:
                "The on-call engineer signed in with MFA from their home network during incident \(incident.key), which documents the need for break-glass access."
        )
    }
}

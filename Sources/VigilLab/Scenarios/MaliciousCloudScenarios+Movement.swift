import Foundation
import VigilCore

/// Malicious AWS activity, continued: lateral movement, root use, resource hijacking, and the hard
/// cases that look routine.
extension MaliciousCloudScenarios {
    static let lateralAssumeRole = Scenario(
        id: "lateral_assume_role", label: .malicious, weight: 5, hard: false,
        summary: "A stolen development key pivots into staging via a loose trust policy"
    ) { ctx in
        let (dev, user, _) = developerKey(&ctx)
        let target = ctx.enterprise.account(.staging)
        let (ip, network) = ctx.hostileConnection()
        let time = ctx.utcTime(hours: 0...23)
        let identity = CloudTrailIdentity.iamUser(user, accountID: dev.id, accessKeyID: user.accessKeys[0].id)
        let role = target.role(named: "OrganizationAccountAccessRole")!
        let session = "session-\(ctx.rng.digits(6))"
        let assumed = ctx.roleSession(role, in: target, session: session, issued: time.adding(seconds: 1))
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "sts.amazonaws.com", eventName: "AssumeRole",
                    region: "us-east-1", sourceIP: ip, userAgent: UserAgents.pacu,
                    requestParameters: ["roleArn": .string(role.arn), "roleSessionName": .string(session)],
                    responseElements: [
                        "assumedRoleUser": [
                            "assumedRoleId": .string("\(role.principalID):\(session)"),
                            "arn": .string("arn:aws:sts::\(target.id):assumed-role/\(role.name)/\(session)"),
                        ],
                        "credentials": [
                            "accessKeyId": .string("ASIA" + ctx.rng.awsID(16)),
                            "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                            "expiration": CloudTrailRecord.responseDate(time.adding(seconds: 3600)),
                        ],
                    ],
                    resources: [["accountId": .string(target.id), "type": "AWS::IAM::Role", "ARN": .string(role.arn)]],
                    recipientAccountID: target.id)),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 12), identity: assumed, eventSource: "secretsmanager.amazonaws.com",
                    eventName: "ListSecrets", region: "us-east-1", sourceIP: ip, userAgent: UserAgents.pacu,
                    readOnly: true)),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 18), identity: assumed, eventSource: "secretsmanager.amazonaws.com",
                    eventName: "GetSecretValue", region: "us-east-1", sourceIP: ip, userAgent: UserAgents.pacu,
                    requestParameters: ["secretId": "staging/orders-db"], readOnly: true)),
        ]
        return AlertDraft(
            rule: .crossAccount, title: "\(dev.alias) user \(user.name) assumed \(role.name) in \(target.alias)",
            events: events, context: ["source_account": .string(dev.id), "target_account": .string(target.id)],
            attack: ["T1078.004", "T1021.007", "T1555.006"],
            rationale:
                "A developer key, from \(network.isp) with the Pacu toolkit, assumed an admin role in another account and read secrets; developers never use OrganizationAccountAccessRole."
        )
    }

    static let rootConsoleLogin = Scenario(
        id: "root_console_login", label: .malicious, weight: 4, hard: false,
        summary: "Root signs in without MFA from abroad"
    ) { ctx in
        let prod = ctx.enterprise.account(.production)
        let (ip, network) = ctx.hostileForeign()
        let time = ctx.utcTime(hours: 0...23)
        let identity = CloudTrailIdentity.root(accountID: prod.id)
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin",
                    region: "us-east-1", sourceIP: ip, userAgent: UserAgents.chromeWindows,
                    responseElements: ["ConsoleLogin": "Success"],
                    additionalEventData: [
                        "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                        "MobileVersion": "No", "MFAUsed": "No",
                    ], eventType: "AwsConsoleSignIn")),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 95), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "CreateAccessKey", region: "us-east-1", sourceIP: ip, userAgent: UserAgents.console,
                    responseElements: [
                        "accessKey": [
                            "accessKeyId": .string("AKIA" + ctx.rng.awsID(16)), "status": "Active",
                            "createDate": CloudTrailRecord.responseDate(time),
                        ]
                    ], consoleSession: true)),
        ]
        return AlertDraft(
            rule: .privilegedLogin, title: "Root console login to \(prod.alias)", events: events,
            context: ["mfa_used": "No", "country": .string(network.country)], attack: ["T1078.004", "T1098.001"],
            rationale:
                "The root user, which nobody uses, signed in without MFA from \(network.country) and created a root access key; no incident ticket exists."
        )
    }

    static let cryptomining = Scenario(
        id: "cryptomining_unusual_region", label: .malicious, weight: 4, hard: false,
        summary: "A stolen key launches GPU instances in an unused region"
    ) { ctx in
        let (dev, user, _) = developerKey(&ctx)
        let (ip, _) = ctx.hostileConnection([.hosting])
        let time = ctx.utcTime(hours: 0...23)
        let identity = CloudTrailIdentity.iamUser(user, accountID: dev.id, accessKeyID: user.accessKeys[0].id)
        let region = ctx.rng.pick(["ap-southeast-3", "sa-east-1", "me-south-1", "af-south-1"])
        let count = ctx.rng.int(in: 8...20)
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "ec2.amazonaws.com", eventName: "DescribeRegions",
                    region: "us-east-1", sourceIP: ip, userAgent: UserAgents.boto3Generic, readOnly: true)),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 30), identity: identity, eventSource: "ec2.amazonaws.com",
                    eventName: "RunInstances", region: region, sourceIP: ip, userAgent: UserAgents.boto3Generic,
                    requestParameters: [
                        "instancesSet": [
                            "items": [
                                [
                                    "imageId": .string("ami-0" + ctx.rng.hex(16)), "minCount": .int(Int64(count)),
                                    "maxCount": .int(Int64(count)),
                                ]
                            ]
                        ], "instanceType": "p3.16xlarge", "userData": "<sensitiveDataRemoved>",
                    ],
                    responseElements: [
                        "reservationId": .string("r-0" + ctx.rng.hex(16)),
                        "instancesSet": [
                            "items": [["instanceId": .string("i-0" + ctx.rng.hex(16)), "instanceType": "p3.16xlarge"]]
                        ],
                    ])),
        ]
        return AlertDraft(
            rule: .unusualRegion, title: "EC2 RunInstances in \(region), unusual for \(dev.alias)", events: events,
            context: ["regions": [.string(region)], "instance_type": "p3.16xlarge", "count": .int(Int64(count))],
            attack: ["T1496.001", "T1078.004"],
            rationale:
                "\(count) GPU instances launched with user data in a region the account never uses, by a developer key from a hosting provider."
        )
    }

    static let ciRoleBucketBackdoor = Scenario(
        id: "ci_role_bucket_policy_backdoor", label: .malicious, weight: 3, hard: true,
        summary: "Stolen CI credentials grant an outside account read access to customer data"
    ) { ctx in
        let ci = ctx.enterprise.automation.first {
            $0.kind == .ciDeploy && $0.accountID == ctx.enterprise.account(.production).id
        }!
        let prod = ctx.enterprise.account(.production)
        let time = ctx.utcTime(hours: 13...22)
        let ip = ci.sourceNetworks[0].address(ctx.rng.int(in: 200...60_000))
        let identity = ctx.roleSession(
            prod.role(named: "github-actions-deploy")!, in: prod, session: "GitHubActions",
            issued: time.adding(seconds: -40))
        let outsider = String(ctx.rng.int(in: 1...9)) + ctx.rng.digits(11)
        let bucket = "meridian-prod-customer-data"
        let policy =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReplicationRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::\(outsider):root\"},\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::\(bucket)\",\"arn:aws:s3:::\(bucket)/*\"]}]}"
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "s3.amazonaws.com", eventName: "PutBucketPolicy",
                    region: "us-east-1", sourceIP: ip,
                    userAgent: ci.userAgent.replacingOccurrences(
                        of: "ecs.update-service", with: "s3api.put-bucket-policy"),
                    requestParameters: [
                        "bucketName": .string(bucket), "Host": .string("\(bucket).s3.amazonaws.com"),
                        "bucketPolicy": (try? JSONParser.parse(policy)) ?? .string(policy), "policy": "",
                    ],
                    resources: [
                        [
                            "accountId": .string(prod.id), "type": "AWS::S3::Bucket",
                            "ARN": .string("arn:aws:s3:::\(bucket)"),
                        ]
                    ]))
        ]
        return AlertDraft(
            rule: .bucketPolicy, title: "Bucket policy changed on \(bucket) by github-actions-deploy", events: events,
            context: ["bucket": .string(bucket)], attack: ["T1537", "T1078.004"],
            rationale:
                "Everything looks like CI (role, runner ASN, CLI agent), but the policy grants account \(outsider), which is not one of Meridian's accounts, and deploy pipelines never manage bucket policies (Terraform does)."
        )
    }

    static let insiderQuietExfil = Scenario(
        id: "insider_quiet_exfil", label: .malicious, weight: 3, hard: true,
        summary: "A departing engineer quietly downloads customer data from home"
    ) { ctx in
        let prod = ctx.enterprise.account(.production)
        let person = ctx.person(inGroup: "aws-admins")
        let time = ctx.workingHours(person)
        let people = ctx.person(inGroup: "people-team")
        let offboarding = ctx.ticket(
            "HR", type: "Offboarding", summary: "Offboarding: \(person.displayName) — last day in 6 days",
            description: "Resignation accepted. Access to be removed on the last day.", reporter: people.login,
            assignee: people.login, labels: ["offboarding"], entities: [person.login],
            created: time.adding(seconds: -86_400 * 3), status: "In Progress")
        let identity = ctx.roleSession(
            ctx.ssoRole(prod, "PowerUserAccess"), in: prod, session: person.login, issued: time.adding(seconds: -1800))
        let bucket = "meridian-prod-customer-data"
        var events: [JSONValue] = []
        for i in 0..<6 {
            let key = "customers/us/accounts-\(ctx.rng.digits(4)).csv.gz"
            events.append(
                ctx.s3GetObject(
                    at: time.adding(seconds: Int64(i * 40)), by: identity, bucket: bucket, key: key, accountID: prod.id,
                    sourceIP: person.homeIP,
                    userAgent: UserAgents.awsCLIMac.replacingOccurrences(of: "s3.ls", with: "s3.cp"),
                    bytes: 30_000_000...90_000_000))
        }
        let total = ctx.rng.int(in: 600...1400)
        return AlertDraft(
            rule: .s3HighVolume, title: "\(total) GetObject calls on \(bucket) in 10 minutes", events: events,
            context: ["object_count": .int(Int64(total)), "bucket": .string(bucket)], attack: ["T1530"],
            rationale:
                "Usual home address and hours, but the engineer has never read this bucket, copies customer exports with the CLI, and is leaving (\(offboarding.key))."
        )
    }
}

import Foundation
import VigilCore

/// Malicious AWS activity: stolen keys, escalation, persistence, exfiltration, tampering.
enum MaliciousCloudScenarios {
    static let all: [Scenario] = [
        stolenAccessKey, privescPolicyAttach, persistenceNewUser, s3Exfiltration, cloudTrailTampering,
        lateralAssumeRole, rootConsoleLogin, cryptomining, ciRoleBucketBackdoor, insiderQuietExfil,
    ]

    /// A developer's long-lived key in the development account.
    static func developerKey(_ ctx: inout ScenarioContext) -> (CloudAccount, IAMUser, Person) {
        let dev = ctx.enterprise.account(.development)
        let user = ctx.rng.pick(dev.users)
        return (dev, user, ctx.enterprise.person(login: user.owner)!)
    }

    static let stolenAccessKey = Scenario(
        id: "stolen_access_key", label: .malicious, weight: 8, hard: false,
        summary: "A leaked developer key used for reconnaissance from a VPS"
    ) { ctx in
        let (dev, user, owner) = developerKey(&ctx)
        let (ip, network) = ctx.hostileConnection([.hosting])
        let time = ctx.utcTime(hours: 0...23)
        let identity = CloudTrailIdentity.iamUser(user, accountID: dev.id, accessKeyID: user.accessKeys[0].id)
        let ua = ctx.rng.pick([UserAgents.kaliCLI, UserAgents.pacu, UserAgents.boto3Generic])
        var events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity",
                    region: "us-east-1", sourceIP: ip, userAgent: ua, readOnly: true)),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 6), identity: identity, eventSource: "s3.amazonaws.com",
                    eventName: "ListBuckets", region: "us-east-1", sourceIP: ip, userAgent: ua,
                    requestParameters: ["Host": "s3.amazonaws.com"], readOnly: true)),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 11), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "ListUsers", region: "us-east-1", sourceIP: ip, userAgent: ua, readOnly: true,
                    errorCode: "AccessDenied",
                    errorMessage:
                        "User: \(user.arn) is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::\(dev.id):user/ because no identity-based policy allows the iam:ListUsers action"
                )),
        ]
        for (i, region) in ["us-east-1", "us-west-2", "eu-west-1"].enumerated() {
            events.append(
                ctx.cloudTrail(
                    CloudTrailRecord(
                        time: time.adding(seconds: Int64(15 + i * 2)), identity: identity,
                        eventSource: "ec2.amazonaws.com", eventName: "DescribeInstances", region: region, sourceIP: ip,
                        userAgent: ua, requestParameters: ["instancesSet": [:], "filterSet": [:]], readOnly: true)))
        }
        return AlertDraft(
            rule: .newSourceIP, title: "\(user.name) called AWS from new network AS\(network.asn) (\(network.isp))",
            events: events, context: ["new_ip": .string(ip), "asn": .int(Int64(network.asn))],
            attack: ["T1078.004", "T1087.004", "T1580"],
            rationale:
                "\(owner.login)'s key was used from a hosting provider never seen for them, with attacker tooling, enumerating identity and regions; the owner works from \(owner.homeNetwork.isp) and the office."
        )
    }

    static let privescPolicyAttach = Scenario(
        id: "privesc_policy_attach", label: .malicious, weight: 6, hard: false,
        summary: "A developer user attaches AdministratorAccess to itself"
    ) { ctx in
        let (dev, user, owner) = developerKey(&ctx)
        let (ip, _) = ctx.rng.chance(0.5) ? ctx.hostileConnection([.hosting, .vpn]) : (owner.homeIP, owner.homeNetwork)
        let time = ctx.localTime(owner, hour: ctx.rng.pick([20, 21, 22, 23, 0, 1]))
        let identity = CloudTrailIdentity.iamUser(user, accountID: dev.id, accessKeyID: user.accessKeys[0].id)
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "iam.amazonaws.com", eventName: "AttachUserPolicy",
                    region: "us-east-1", sourceIP: ip,
                    userAgent: UserAgents.awsCLIMac.replacingOccurrences(of: "s3.ls", with: "iam.attach-user-policy"),
                    requestParameters: [
                        "userName": .string(user.name), "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    ])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 20), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "ListAttachedUserPolicies", region: "us-east-1", sourceIP: ip,
                    userAgent: UserAgents.awsCLIMac, requestParameters: ["userName": .string(user.name)], readOnly: true
                )),
        ]
        return AlertDraft(
            rule: .policyAttached, title: "AdministratorAccess attached to IAM user \(user.name) in \(dev.alias)",
            events: events, attack: ["T1098.003", "T1078.004"],
            rationale:
                "The user granted itself AdministratorAccess outside working hours with no change ticket and outside Terraform; DeveloperAccess does not need admin."
        )
    }

    static let persistenceNewUser = Scenario(
        id: "persistence_new_iam_user", label: .malicious, weight: 6, hard: false,
        summary: "A hijacked admin session creates a backdoor IAM user with a key"
    ) { ctx in
        let account = ctx.rng.pick([ctx.enterprise.account(.production), ctx.enterprise.account(.staging)])
        let victim = ctx.person(inGroup: "aws-admins")
        let (ip, network) = ctx.hostileConnection()
        let time = ctx.utcTime(hours: 0...23)
        let identity = ctx.roleSession(
            ctx.ssoRole(account, "AdministratorAccess"), in: account, session: victim.login,
            issued: time.adding(seconds: -600))
        let name = ctx.rng.pick(["svc-backup-sync", "aws-health-monitor", "terraform-ci2", "support-temp"])
        let key = "AKIA" + ctx.rng.awsID(16)
        let ua = UserAgents.boto3Generic
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "iam.amazonaws.com", eventName: "CreateUser",
                    region: "us-east-1", sourceIP: ip, userAgent: ua, requestParameters: ["userName": .string(name)],
                    responseElements: [
                        "user": [
                            "userName": .string(name), "arn": .string("arn:aws:iam::\(account.id):user/\(name)"),
                            "userId": .string("AIDA" + ctx.rng.awsID(17)), "path": "/",
                            "createDate": CloudTrailRecord.responseDate(time),
                        ]
                    ])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 4), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "AttachUserPolicy", region: "us-east-1", sourceIP: ip, userAgent: ua,
                    requestParameters: [
                        "userName": .string(name), "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    ])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 7), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "CreateAccessKey", region: "us-east-1", sourceIP: ip, userAgent: ua,
                    requestParameters: ["userName": .string(name)],
                    responseElements: [
                        "accessKey": [
                            "accessKeyId": .string(key), "status": "Active", "userName": .string(name),
                            "createDate": CloudTrailRecord.responseDate(time),
                        ]
                    ])),
        ]
        return AlertDraft(
            rule: .accessKeyCreated, title: "Access key created for IAM user \(name) in \(account.alias)",
            events: events, context: ["user": .string(name)], attack: ["T1136.003", "T1098.001", "T1098.003"],
            rationale:
                "\(victim.login)'s admin session acted from \(network.isp) (AS\(network.asn)), never used by them, creating an unknown user with admin rights and a key: classic persistence."
        )
    }

    static let s3Exfiltration = Scenario(
        id: "s3_exfiltration", label: .malicious, weight: 6, hard: false,
        summary: "A stolen service key downloads the customer-data bucket"
    ) { ctx in
        let prod = ctx.enterprise.account(.production)
        let user = prod.user(named: "svc-reporting")!
        let (ip, network) = ctx.hostileConnection([.hosting, .vpn])
        let time = ctx.utcTime(hours: 0...23)
        let identity = CloudTrailIdentity.iamUser(user, accountID: prod.id, accessKeyID: user.accessKeys[0].id)
        let bucket = "meridian-prod-customer-data"
        let ua = UserAgents.boto3Generic
        var events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "s3.amazonaws.com", eventName: "ListObjects",
                    region: "us-east-1", sourceIP: ip, userAgent: ua,
                    requestParameters: [
                        "bucketName": .string(bucket), "Host": .string("\(bucket).s3.us-east-1.amazonaws.com"),
                        "prefix": "",
                    ], readOnly: true,
                    resources: [
                        [
                            "accountId": .string(prod.id), "type": "AWS::S3::Bucket",
                            "ARN": .string("arn:aws:s3:::\(bucket)"),
                        ]
                    ], dataEvent: true))
        ]
        for i in 0..<8 {
            let key = "customers/\(ctx.rng.pick(["eu", "us", "apac"]))/export-\(ctx.rng.digits(6)).csv.gz"
            events.append(
                ctx.s3GetObject(
                    at: time.adding(seconds: Int64(3 + i)), by: identity, bucket: bucket, key: key, accountID: prod.id,
                    sourceIP: ip, userAgent: ua, bytes: 20_000_000...200_000_000))
        }
        let total = ctx.rng.int(in: 3000...12_000)
        return AlertDraft(
            rule: .s3HighVolume, title: "\(total) GetObject calls on \(bucket) in 10 minutes", events: events,
            context: ["object_count": .int(Int64(total)), "bucket": .string(bucket)], attack: ["T1530", "T1078.004"],
            rationale:
                "The reporting service key, normally used by the BI tool for a few report reads, listed and downloaded the customer bucket from \(network.isp) (AS\(network.asn))."
        )
    }

    static let cloudTrailTampering = Scenario(
        id: "cloudtrail_tampering", label: .malicious, weight: 5, hard: false,
        summary: "An intruder stops the organisation trail"
    ) { ctx in
        let security = ctx.enterprise.account(.security)
        let victim = ctx.person(inGroup: "aws-admins")
        let (ip, network) = ctx.hostileConnection()
        let time = ctx.utcTime(hours: 0...23)
        let identity = ctx.roleSession(
            ctx.ssoRole(security, "AdministratorAccess"), in: security, session: victim.login,
            issued: time.adding(seconds: -900))
        let trailARN = "arn:aws:cloudtrail:us-east-1:\(security.id):trail/org-trail"
        var events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging",
                    region: "us-east-1", sourceIP: ip, userAgent: UserAgents.boto3Generic,
                    requestParameters: ["name": .string(trailARN)]))
        ]
        if ctx.rng.chance(0.5) {
            events.append(
                ctx.cloudTrail(
                    CloudTrailRecord(
                        time: time.adding(seconds: 30), identity: identity, eventSource: "cloudtrail.amazonaws.com",
                        eventName: "DeleteTrail", region: "us-east-1", sourceIP: ip, userAgent: UserAgents.boto3Generic,
                        requestParameters: ["name": .string(trailARN)])))
        } else {
            events.append(
                ctx.cloudTrail(
                    CloudTrailRecord(
                        time: time.adding(seconds: 30), identity: identity, eventSource: "guardduty.amazonaws.com",
                        eventName: "UpdateDetector", region: "us-east-1", sourceIP: ip,
                        userAgent: UserAgents.boto3Generic,
                        requestParameters: ["detectorId": .string(ctx.rng.hex(32)), "enable": false])))
        }
        return AlertDraft(
            rule: .cloudTrailModified,
            title:
                "CloudTrail org-trail modified (\(events.compactMap { $0["eventName"]?.stringValue }.joined(separator: ", ")))",
            events: events, attack: ["T1562.008", "T1078.004"],
            rationale:
                "Logging was stopped (and detection weakened) from \(network.isp) by a session of \(victim.login) with no change ticket; Terraform is the only sanctioned way to change the trail."
        )
    }
}

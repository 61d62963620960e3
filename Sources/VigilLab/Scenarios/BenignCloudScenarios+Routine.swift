import VigilCore

/// Benign AWS activity, continued: monitoring, key rotation, logging changes and audits.
extension BenignCloudScenarios {
    static let monitoringSweep = Scenario(
        id: "monitoring_region_sweep", label: .benign, weight: 7, hard: false,
        summary: "The Datadog integration describes resources in every region"
    ) { ctx in
        let dd = ctx.rng.pick(ctx.enterprise.automation.filter { $0.kind == .monitoring })
        let account = ctx.enterprise.account(id: dd.accountID)!
        let time = ctx.utcTime(hours: 0...23)
        let identity = ctx.roleSession(
            account.role(named: "DatadogIntegrationRole")!, in: account, session: dd.sessionName,
            issued: time.adding(seconds: -300))
        let ip = dd.sourceNetworks[0].address(ctx.rng.int(in: 1...4) * 11)
        let regions = ctx.rng.sample(LabCatalog.awsRegions.filter { !account.regions.contains($0) }, count: 4)
        var events: [JSONValue] = []
        for (i, region) in regions.enumerated() {
            events.append(
                ctx.cloudTrail(
                    CloudTrailRecord(
                        time: time.adding(seconds: Int64(i * 3)), identity: identity, eventSource: "ec2.amazonaws.com",
                        eventName: ctx.rng.pick(["DescribeInstances", "DescribeVolumes", "DescribeSecurityGroups"]),
                        region: region, sourceIP: ip, userAgent: dd.userAgent, requestParameters: ["maxResults": 1000],
                        readOnly: true)))
        }
        return AlertDraft(
            rule: .unusualRegion, title: "EC2 API activity in \(regions[0]), unusual for \(account.alias)",
            events: events, context: ["regions": .array(regions.map(JSONValue.string))],
            rationale:
                "Read-only Describe calls by the Datadog integration role from Datadog's network; the integration sweeps every region."
        )
    }

    static let keyRotation = Scenario(
        id: "access_key_rotation", label: .benign, weight: 5, hard: false,
        summary: "The rotation Lambda replaces a service user's 90-day-old key"
    ) { ctx in
        let rotation = ctx.enterprise.automation(.keyRotation)
        let account = ctx.enterprise.account(id: rotation.accountID)!
        let user = ctx.rng.pick(account.users)
        let time = ctx.utcTime(hours: 4...4)
        let identity = ctx.roleSession(
            account.role(named: "access-key-rotation-lambda")!, in: account, session: rotation.sessionName,
            issued: time.adding(seconds: -5))
        let newKey = "AKIA" + ctx.rng.awsID(16)
        let ip = rotation.sourceNetworks[0].address(22)
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "iam.amazonaws.com", eventName: "CreateAccessKey",
                    region: "us-east-1", sourceIP: ip, userAgent: rotation.userAgent,
                    requestParameters: ["userName": .string(user.name)],
                    responseElements: [
                        "accessKey": [
                            "accessKeyId": .string(newKey), "status": "Active", "userName": .string(user.name),
                            "createDate": CloudTrailRecord.responseDate(time),
                        ]
                    ])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 2), identity: identity, eventSource: "iam.amazonaws.com",
                    eventName: "UpdateAccessKey", region: "us-east-1", sourceIP: ip, userAgent: rotation.userAgent,
                    requestParameters: [
                        "userName": .string(user.name), "accessKeyId": .string(user.accessKeys[0].id),
                        "status": "Inactive",
                    ])),
        ]
        return AlertDraft(
            rule: .accessKeyCreated, title: "Access key created for IAM user \(user.name) in \(account.alias)",
            events: events, context: ["user": .string(user.name)],
            rationale:
                "The scheduled rotation Lambda created a new key and deactivated the old one at its usual 04:00 UTC slot."
        )
    }

    static let terraformTrailUpdate = Scenario(
        id: "terraform_trail_update", label: .benign, weight: 2, hard: true,
        summary: "Terraform adds data-event selectors to the organisation trail"
    ) { ctx in
        let security = ctx.enterprise.account(.security)
        let tf = ctx.enterprise.automation(.terraform)
        let engineer = ctx.person(inGroup: "security")
        let time = ctx.workingHours(engineer)
        let change = ctx.ticket(
            "CHG", type: "Change", summary: "Enable S3 data events for confidential buckets on org-trail",
            description:
                "Security request: log GetObject/PutObject on buckets tagged confidential. Terraform module cloudtrail v3.2.",
            reporter: engineer.login, assignee: engineer.login, labels: ["terraform", "cloudtrail", "security"],
            entities: [security.id, "org-trail"], created: time.adding(seconds: -172_800), status: "In Progress")
        let role = security.role(named: "terraform-apply")!
        let identity = ctx.roleSession(
            role, in: security, session: "terraform-run-\(ctx.rng.digits(10))", issued: time.adding(seconds: -40))
        let ip = tf.sourceNetworks[0].address(33)
        let trailARN = "arn:aws:cloudtrail:us-east-1:\(security.id):trail/org-trail"
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "cloudtrail.amazonaws.com",
                    eventName: "PutEventSelectors", region: "us-east-1", sourceIP: ip, userAgent: tf.userAgent,
                    requestParameters: [
                        "trailName": .string(trailARN),
                        "advancedEventSelectors": [
                            [
                                "name": "confidential-s3-data-events",
                                "fieldSelectors": [
                                    ["field": "eventCategory", "equals": ["Data"]],
                                    ["field": "resources.type", "equals": ["AWS::S3::Object"]],
                                ],
                            ]
                        ],
                    ], responseElements: ["trailARN": .string(trailARN)])),
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time.adding(seconds: 2), identity: identity, eventSource: "cloudtrail.amazonaws.com",
                    eventName: "UpdateTrail", region: "us-east-1", sourceIP: ip, userAgent: tf.userAgent,
                    requestParameters: [
                        "name": .string(trailARN), "isMultiRegionTrail": true, "includeGlobalServiceEvents": true,
                    ],
                    responseElements: [
                        "name": "org-trail", "trailARN": .string(trailARN), "isMultiRegionTrail": true,
                        "logFileValidationEnabled": true,
                    ])),
        ]
        return AlertDraft(
            rule: .cloudTrailModified, title: "CloudTrail org-trail modified (UpdateTrail, PutEventSelectors)",
            events: events, context: ["trail": .string(trailARN)],
            rationale:
                "Terraform widened logging (more data events, validation kept on) under change \(change.key); nothing was stopped or deleted."
        )
    }

    static let securityAuditAssume = Scenario(
        id: "security_audit_assume_role", label: .benign, weight: 4, hard: false,
        summary: "A security engineer assumes the audit role from the security account"
    ) { ctx in
        let security = ctx.enterprise.account(.security)
        let target = ctx.rng.pick(ctx.enterprise.accounts.filter { $0.environment != .security })
        let engineer = ctx.person(inGroup: "security")
        let time = ctx.workingHours(engineer)
        let (ip, _) = ctx.usualConnection(engineer)
        let sso = ctx.ssoRole(security, "ReadOnlyAccess")
        let identity = ctx.roleSession(sso, in: security, session: engineer.login, issued: time.adding(seconds: -1200))
        let audit = target.role(named: "SecurityAuditRole")!
        let events = [
            ctx.cloudTrail(
                CloudTrailRecord(
                    time: time, identity: identity, eventSource: "sts.amazonaws.com", eventName: "AssumeRole",
                    region: "us-east-1", sourceIP: ip, userAgent: UserAgents.awsCLIMac,
                    requestParameters: [
                        "roleArn": .string(audit.arn), "roleSessionName": .string(engineer.login),
                        "durationSeconds": 3600,
                    ],
                    responseElements: [
                        "credentials": [
                            "accessKeyId": .string("ASIA" + ctx.rng.awsID(16)),
                            "expiration": CloudTrailRecord.responseDate(time.adding(seconds: 3600)),
                            "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                        ],
                        "assumedRoleUser": [
                            "assumedRoleId": .string("\(audit.principalID):\(engineer.login)"),
                            "arn": .string("arn:aws:sts::\(target.id):assumed-role/\(audit.name)/\(engineer.login)"),
                        ],
                    ],
                    resources: [
                        ["accountId": .string(target.id), "type": "AWS::IAM::Role", "ARN": .string(audit.arn)]
                    ], recipientAccountID: target.id))
        ]
        return AlertDraft(
            rule: .crossAccount, title: "\(security.alias) assumed SecurityAuditRole in \(target.alias)",
            events: events, context: ["source_account": .string(security.id), "target_account": .string(target.id)],
            rationale:
                "A security engineer, from a usual network in working hours, assumed the read-only audit role that trusts the security account by design."
        )
    }
}

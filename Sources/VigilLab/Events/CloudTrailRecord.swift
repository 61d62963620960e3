import Foundation
import VigilCore

/// Who made an AWS API call, as CloudTrail's `userIdentity` records it.
enum CloudTrailIdentity {
    case iamUser(IAMUser, accountID: String, accessKeyID: String)
    case assumedRole(IAMRole, accountID: String, session: String, accessKeyID: String, mfa: Bool, issued: Timestamp)
    case root(accountID: String)
    case awsService(String)

    var json: JSONValue {
        switch self {
        case .iamUser(let user, let accountID, let key):
            return [
                "type": "IAMUser", "principalId": .string(user.principalID), "arn": .string(user.arn),
                "accountId": .string(accountID), "accessKeyId": .string(key), "userName": .string(user.name),
            ]
        case .assumedRole(let role, let accountID, let session, let key, let mfa, let issued):
            return [
                "type": "AssumedRole",
                "principalId": .string("\(role.principalID):\(session)"),
                "arn": .string("arn:aws:sts::\(accountID):assumed-role/\(role.name)/\(session)"),
                "accountId": .string(accountID),
                "accessKeyId": .string(key),
                "sessionContext": [
                    "sessionIssuer": [
                        "type": "Role", "principalId": .string(role.principalID), "arn": .string(role.arn),
                        "accountId": .string(accountID), "userName": .string(role.name),
                    ],
                    "webIdFederationData": [:],
                    "attributes": [
                        "creationDate": .string(issued.rfc3339(fractionalSeconds: false)),
                        "mfaAuthenticated": .string(mfa ? "true" : "false"),
                    ],
                ],
            ]
        case .root(let accountID):
            return [
                "type": "Root", "principalId": .string(accountID), "arn": .string("arn:aws:iam::\(accountID):root"),
                "accountId": .string(accountID),
            ]
        case .awsService(let service):
            return ["type": "AWSService", "invokedBy": .string(service)]
        }
    }

    var accountID: String? {
        switch self {
        case .iamUser(_, let a, _), .assumedRole(_, let a, _, _, _, _), .root(let a): a
        case .awsService: nil
        }
    }

    /// The ARN of the acting principal (the assumed-role session for roles).
    var arn: String {
        switch self {
        case .iamUser(let user, _, _): user.arn
        case .assumedRole(let role, let accountID, let session, _, _, _):
            "arn:aws:sts::\(accountID):assumed-role/\(role.name)/\(session)"
        case .root(let accountID): "arn:aws:iam::\(accountID):root"
        case .awsService(let service): service
        }
    }
}

/// Builds AWS CloudTrail records with the fields real ones carry (event version 1.09).
struct CloudTrailRecord {
    var time: Timestamp
    var identity: CloudTrailIdentity
    var eventSource: String
    var eventName: String
    var region: String
    var sourceIP: String
    var userAgent: String
    var requestParameters: JSONValue = .null
    var responseElements: JSONValue = .null
    var readOnly: Bool = false
    var errorCode: String? = nil
    var errorMessage: String? = nil
    var resources: [JSONValue] = []
    var additionalEventData: JSONValue? = nil
    var eventType: String = "AwsApiCall"
    var dataEvent: Bool = false
    var recipientAccountID: String? = nil
    var consoleSession: Bool = false

    func json(_ rng: inout SeededGenerator) -> JSONValue {
        let account = recipientAccountID ?? identity.accountID ?? ""
        var r: JSONObject = [
            "eventVersion": "1.09",
            "userIdentity": identity.json,
            "eventTime": .string(time.rfc3339(fractionalSeconds: false)),
            "eventSource": .string(eventSource),
            "eventName": .string(eventName),
            "awsRegion": .string(region),
            "sourceIPAddress": .string(sourceIP),
            "userAgent": .string(userAgent),
            "requestParameters": requestParameters,
            "responseElements": responseElements,
            "requestID": .string(eventType == "AwsConsoleSignIn" ? rng.uuid() : rng.uuid().uppercased()),
            "eventID": .string(rng.uuid()),
            "readOnly": .bool(readOnly),
            "eventType": .string(eventType),
            "managementEvent": .bool(!dataEvent),
            "recipientAccountId": .string(account),
            "eventCategory": .string(dataEvent ? "Data" : "Management"),
        ]
        if eventType == "AwsApiCall" && !sourceIP.hasSuffix(".amazonaws.com") {
            let service = eventSource.hasSuffix(".amazonaws.com") ? String(eventSource.dropLast(14)) : eventSource
            let global = service == "iam" || service == "sts" || service == "signin"
            let host = global ? "\(service).amazonaws.com" : "\(service).\(region).amazonaws.com"
            r["tlsDetails"] = [
                "tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": .string(host),
            ]
        }
        if let errorCode { r["errorCode"] = .string(errorCode) }
        if let errorMessage { r["errorMessage"] = .string(errorMessage) }
        if !resources.isEmpty { r["resources"] = .array(resources) }
        if let additionalEventData { r["additionalEventData"] = additionalEventData }
        if consoleSession { r["sessionCredentialFromConsole"] = "true" }
        return .object(r)
    }

    /// A date inside IAM and STS `responseElements` (`createDate`, `expiration`), which CloudTrail writes
    /// as `Nov 2, 2026, 9:14:07 AM` rather than RFC 3339.
    static func responseDate(_ time: Timestamp) -> JSONValue {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let text = time.rfc3339(fractionalSeconds: false)  // 2026-11-02T09:14:07Z
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        let (year, month, day, hour, minute, second) = (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        let pad = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return .string(
            "\(months[month - 1]) \(day), \(year), \(twelve):\(pad(minute)):\(pad(second)) \(hour < 12 ? "AM" : "PM")")
    }

    /// `resources` entries for an S3 object and its bucket, as data events carry them.
    static func s3Resources(bucket: String, key: String, accountID: String) -> [JSONValue] {
        [
            ["type": "AWS::S3::Object", "ARN": .string("arn:aws:s3:::\(bucket)/\(key)")],
            ["accountId": .string(accountID), "type": "AWS::S3::Bucket", "ARN": .string("arn:aws:s3:::\(bucket)")],
        ]
    }
}

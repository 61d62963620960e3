import VigilCore

/// The detection rules whose alerts the lab emits. Benign and malicious scenarios fire the same rules,
/// as in a real SIEM: the rule never tells which is which; only investigation does.
public struct LabRule: Sendable, Hashable {
    public var id: String
    public var name: String
    public var logType: LogType
    public var severity: Severity
    public var mitre: [String]

    static let policyAttached = LabRule(
        id: "AWS.IAM.PrivilegeChange", name: "IAM privilege change", logType: .cloudTrail, severity: .high,
        mitre: ["TA0004:T1098.003"])
    static let newSourceIP = LabRule(
        id: "AWS.API.NewSourceASN", name: "AWS API calls from a new network", logType: .cloudTrail, severity: .medium,
        mitre: ["TA0001:T1078.004"])
    static let accessKeyCreated = LabRule(
        id: "AWS.IAM.AccessKeyCreated", name: "IAM access key created", logType: .cloudTrail, severity: .medium,
        mitre: ["TA0003:T1098.001"])
    static let s3HighVolume = LabRule(
        id: "AWS.S3.HighVolumeRead", name: "High volume of S3 object reads", logType: .cloudTrail, severity: .high,
        mitre: ["TA0009:T1530"])
    static let bucketPolicy = LabRule(
        id: "AWS.S3.BucketPolicyChanged", name: "S3 bucket policy changed", logType: .cloudTrail, severity: .medium,
        mitre: ["TA0010:T1537"])
    static let cloudTrailModified = LabRule(
        id: "AWS.CloudTrail.Modified", name: "CloudTrail logging stopped or modified", logType: .cloudTrail,
        severity: .critical, mitre: ["TA0005:T1562.008"])
    static let privilegedLogin = LabRule(
        id: "AWS.Console.PrivilegedLogin", name: "Root or break-glass console login", logType: .cloudTrail,
        severity: .high, mitre: ["TA0001:T1078.004"])
    static let unusualRegion = LabRule(
        id: "AWS.EC2.UnusualRegion", name: "EC2 activity in an unusual region", logType: .cloudTrail, severity: .medium,
        mitre: ["TA0040:T1496.001"])
    static let crossAccount = LabRule(
        id: "AWS.STS.CrossAccountAssumeRole", name: "Cross-account role assumption", logType: .cloudTrail,
        severity: .medium, mitre: ["TA0008:T1021.007"])
    static let newCountry = LabRule(
        id: "Okta.Login.NewCountry", name: "Okta sign-in from a new country", logType: .oktaSystemLog,
        severity: .medium, mitre: ["TA0001:T1078.004"])
    static let newIP = LabRule(
        id: "Okta.Login.NewNetwork", name: "Okta sign-in from a new network", logType: .oktaSystemLog, severity: .low,
        mitre: ["TA0001:T1078.004"])
    static let pushDenials = LabRule(
        id: "Okta.MFA.PushDenials", name: "Repeated Okta Verify push denials", logType: .oktaSystemLog, severity: .high,
        mitre: ["TA0006:T1621"])
    static let bruteForce = LabRule(
        id: "Okta.Auth.FailedLogins", name: "Repeated failed Okta sign-ins", logType: .oktaSystemLog, severity: .medium,
        mitre: ["TA0006:T1110"])
    static let factorChange = LabRule(
        id: "Okta.MFA.FactorChange", name: "MFA factor enrolled or reset", logType: .oktaSystemLog, severity: .medium,
        mitre: ["TA0003:T1556.006"])
    static let adminGrant = LabRule(
        id: "Okta.Admin.PrivilegeGrant", name: "Okta administrator privilege granted", logType: .oktaSystemLog,
        severity: .high, mitre: ["TA0004:T1098"])
    static let encodedPowerShell = LabRule(
        id: "EDR.Process.EncodedPowerShell", name: "PowerShell with an encoded command", logType: .crowdstrikeFDR,
        severity: .high, mitre: ["TA0002:T1059.001", "TA0005:T1027.010"])
    static let beaconing = LabRule(
        id: "EDR.Network.Beaconing", name: "Periodic outbound connections (beaconing)", logType: .crowdstrikeFDR,
        severity: .high, mitre: ["TA0011:T1071.001"])

    public static let all: [LabRule] = [
        policyAttached, newSourceIP, accessKeyCreated, s3HighVolume, bucketPolicy, cloudTrailModified, privilegedLogin,
        unusualRegion, crossAccount, newCountry, newIP, pushDenials, bruteForce, factorChange, adminGrant,
        encodedPowerShell, beaconing,
    ]
}

import VigilCore
import VigilGuard

extension ApprovalBook {
    /// Files a pending request to suspend each of `logins` (as Tier 3 proposes it) and returns their ids, in order.
    public func requestSuspensions(of logins: [String], caseID: String = "case-1") throws -> [String] {
        try logins.map { login in
            try request(
                agent: "forensics", tier: "tier3", caseID: caseID, tool: "identity.suspend_user",
                arguments: ["login": .string(login)], rule: "destructive-needs-approval", reason: "destructive"
            ).approval.id
        }
    }
}

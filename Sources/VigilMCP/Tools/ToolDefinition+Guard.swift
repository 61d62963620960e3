import VigilGuard

extension ToolDefinition {
    /// The Guard's view of this tool on `server` (`identity`, `cloud`, …): class, targets and the
    /// digest of its published definition.
    public func profile(server: String) -> ToolProfile {
        let toolClass: ToolClass =
            switch effect {
            case .read: .read
            case .write: .write
            case .destructive: .destructive
            }
        return ToolProfile(
            server: server, tool: name, toolClass: toolClass, targets: targets,
            definitionDigest: AuditRecord.digest(listing.serialized()))
    }
}

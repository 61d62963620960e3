import VigilGuard

extension ToolDefinition {
    /// SHA-256 of the published definition (name, description, schemas, annotations): what the
    /// integrity manifest pins and the audit log records with each call.
    public var definitionDigest: String { AuditRecord.digest(listing.serialized()) }

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
            definitionDigest: definitionDigest)
    }
}

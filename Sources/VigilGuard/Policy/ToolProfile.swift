/// What calling a tool does, as far as the policy is concerned.
public enum ToolClass: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Reads only.
    case read
    /// Changes something that is easy to undo or harmless (a comment, a message, a ticket).
    case write
    /// Removes access, isolates or otherwise disrupts; needs a human approval unless a rule allows it.
    case destructive

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .destructive: 2
        }
    }
}

/// A tool as the Guard sees it: where it lives, its class, which arguments name what it acts on,
/// and the digest of its definition (recorded with every call).
public struct ToolProfile: Sendable, Hashable {
    public var server: String
    public var tool: String
    public var toolClass: ToolClass
    /// The arguments that name the target of a write (a login, an instance, a key id). A tainted value
    /// may not fill them without approval. nil: every argument counts as a target (the safe default for
    /// tools Vigil does not know); empty: the tool acts on nothing that exists (it creates a ticket).
    public var targets: [String]?
    /// SHA-256 of the tool's published definition (name, description, schemas), hex.
    public var definitionDigest: String
    /// A tool of a server Vigil does not ship (`mcp.servers`): its results count as untrusted content unless
    /// the policy's `taint.trusted` names it.
    public var external: Bool

    public init(
        server: String, tool: String, toolClass: ToolClass, targets: [String]? = nil, definitionDigest: String = "",
        external: Bool = false
    ) {
        self.server = server
        self.tool = tool
        self.toolClass = toolClass
        self.targets = targets
        self.definitionDigest = definitionDigest
        self.external = external
    }

    /// `server.tool`, the name policies use.
    public var qualifiedName: String { server + "." + tool }
}

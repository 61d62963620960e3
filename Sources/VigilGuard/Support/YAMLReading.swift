import Yams

/// What the readers of Vigil's YAML documents (the policy, playbooks) share: typed access to a node
/// that refuses anything else with the key path and the line, as the reader's own error.
public protocol YAMLReading {
    associatedtype Failure: Error
    /// The reader's error for `message` (which already names the path and line).
    func failure(_ message: String) -> Failure
}

extension YAMLReading {
    public func scalar(_ node: Node, _ path: String) throws(Failure) -> String {
        guard case .scalar(let s) = node else { throw error(path, node, "expected a single value") }
        return s.string
    }

    public func sequence(_ node: Node, _ path: String) throws(Failure) -> [Node] {
        guard case .sequence(let items) = node else { throw error(path, node, "expected a list") }
        return Array(items)
    }

    /// The mapping's keys (strings) and values, in order.
    public func mapping(_ node: Node, _ path: String) throws(Failure) -> [(String, Node)] {
        guard case .mapping(let m) = node else {
            throw error(path.isEmpty ? "top level" : path, node, "expected a mapping of keys")
        }
        var result: [(String, Node)] = []
        for (k, v) in m {
            guard let key = k.string else { throw error(path, k, "keys must be strings") }
            result.append((key, v))
        }
        return result
    }

    public func unknown(_ path: String, _ node: Node) -> Failure { error(path, node, "unknown key") }

    public func error(_ path: String, _ node: Node, _ message: String) -> Failure {
        failure("\(path)\(node.mark.map { " (line \($0.line))" } ?? ""): \(message)")
    }
}

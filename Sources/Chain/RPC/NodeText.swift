/// Text a node sent (error messages, revert reasons, bodies): kept to a length an operator can
/// read and a log can hold, whatever the node answered.
public enum NodeText {
    public static let limit = 500

    /// At most `limit` characters; a cut ends with "…".
    public static func cut(_ text: some StringProtocol) -> String {
        guard text.count > limit else { return String(text) }
        return String(text.prefix(limit - 1)) + "…"
    }
}

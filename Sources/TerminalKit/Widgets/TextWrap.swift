/// Word wrapping by display width; words longer than a line are cut.
public enum TextWrap {
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                while word.displayWidth > width {
                    if !line.isEmpty { out.append(line); line = "" }
                    var head = ""
                    for ch in word where head.displayWidth + DisplayWidth.of(ch) <= width { head.append(ch) }
                    out.append(head)
                    word = String(word.dropFirst(head.count))
                }
                if line.isEmpty { line = word } else if line.displayWidth + 1 + word.displayWidth <= width {
                    line += " " + word
                } else {
                    out.append(line)
                    line = word
                }
            }
            out.append(line)
        }
        return out
    }
}

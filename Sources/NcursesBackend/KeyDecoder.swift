internal import CNcursesw
import TerminalKit

/// Turns what `wget_wch` returns into a `Key`.
enum KeyDecoder {
    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return Key.up
        case KEY_DOWN: return Key.down
        case KEY_LEFT: return Key.left
        case KEY_RIGHT: return Key.right
        case KEY_PPAGE: return Key.pageUp
        case KEY_NPAGE: return Key.pageDown
        case KEY_HOME: return Key.home
        case KEY_END: return Key.end
        case KEY_BTAB: return Key.backTab
        case KEY_BACKSPACE: return Key.backspace
        case KEY_DC: return Key.delete
        case KEY_ENTER: return Key.enter
        default:
            let f0 = mammon_key_f0()
            return (f0 + 1...f0 + 12).contains(code) ? .function(Int(code - f0)) : nil
        }
    }

    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(UnicodeScalar(value + 96)!))
        default:
            guard let scalar = UnicodeScalar(value), value >= 32 else { return nil }
            return .char(Character(scalar))
        }
    }
}

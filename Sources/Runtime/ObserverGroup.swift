import Foundation

/// The group named by OBSERVER_SOCKET_GROUP, whose members may watch through the observer socket.
public enum ObserverGroup {
    public static func id(named name: String) throws(UsageError) -> gid_t {
        guard let group = getgrnam(name) else { throw UsageError("OBSERVER_SOCKET_GROUP = '\(name)': no such group") }
        return group.pointee.gr_gid
    }
}

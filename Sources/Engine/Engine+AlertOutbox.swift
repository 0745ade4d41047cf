import Foundation
import MammonCore
@_spi(EngineWriter) import Store

/// The alert sender delivers; the engine writes what it did (`AlertDeliveryChange`), each change in
/// its own commit, in the order the sender reports them. A delivery is marked sent only after its
/// notifier answered, so a crash between the two sends it again at the next start (at least once).
extension Engine {
    public func recordDelivery(_ change: AlertDeliveryChange) throws {
        try store.commit([.alertDelivery(change)], events: [])
    }
}

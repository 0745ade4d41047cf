import Chain
import Foundation
import MammonCore

/// Faults for the simulated network from MAMMON_SIMULATED_FAULTS, to rehearse failures end to end:
/// `revert:<step>`, `congestion:<step>:<fee raises needed>`, `read-failure`, `illiquid:<market>`, comma-separated.
public enum SimulatedFaultSpec {
    public struct Invalid: Error, CustomStringConvertible {
        var text: String
        public var description: String {
            "MAMMON_SIMULATED_FAULTS: '\(text)' is not revert:<step>, congestion:<step>:<n>, read-failure or illiquid:<market> (steps: withdraw, approve, deposit)"
        }
    }

    public static func parse(_ text: String) throws -> [SimulatedFault] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: ":").map(String.init)
            let step = parts.count > 1 ? ExecutionStep(rawValue: parts[1]).flatMap { $0.sendsTransaction ? $0 : nil } : nil
            switch (parts.first, step) {
            case ("revert", let step?) where parts.count == 2:
                return .revert(step, reason: "simulated revert")
            case ("congestion", let step?) where parts.count == 3:
                guard let bumps = Int(parts[2]), bumps > 0 else { throw Invalid(text: String(item)) }
                return .congestion(step, bumps: bumps)
            case ("read-failure", nil) where parts.count == 1:
                return .readFailure("simulated read failure")
            case ("illiquid", nil) where parts.count == 2:
                guard let market = MarketID(name: parts[1]) else { throw Invalid(text: String(item)) }
                return .illiquid(market)
            default:
                throw Invalid(text: String(item))
            }
        }
    }
}

import Foundation
import MammonCore
import TerminalKit

/// Something that happened to the console: the reducer's only input.
public enum ConsoleAction: Hashable, Sendable {
    case keyPressed(Key)
    case engineEvent(EngineEvent)
    /// What the engine recorded before this console opened, oldest first (the log's history).
    case history([EngineEvent])
    /// The history above holds only the log's newest lines; older ones wait in the database until
    /// the event log is opened (a year of operation made decoding them most of opening a console).
    case earlierHistoryAvailable
    /// Events older than the history already folded, oldest first: their lines go above it.
    case earlierHistory([EngineEvent])
    /// What the database's own tables hold from before this console opened.
    case restored(StoredRecords)
    /// The gate verdicts of the restored moves, read after them (only the scorecard's details need them).
    case verdictsRestored([UUID: ProfitabilityAnalysis])
    /// What is current when the console opens beside an engine that already runs (proposals waiting
    /// for approval, an execution in flight with its finished steps), replayed as events: state, not
    /// news. Shown as live events are, but the books fold only what the engine logs as it happens
    /// (the restored records hold the rest).
    case replayed([EngineEvent])
    /// The engine's event stream ended: everything shown is from then and goes stale.
    case engineStreamEnded
    /// The engine's answer to a command this console sent.
    case commandAnswered(OperatorCommand, CommandOutcome)
    /// The connection to an attached engine changed (attached, offline, back).
    case linkChanged(EngineLinkState)
    /// The engine's name for this console, to tell its own commands from other consoles'.
    case identified(clientName: String)
    case resized(Size)
    /// The clock moved (once a second while running): countdowns, ages, stale markers, flash expiry.
    case tick(Date)
}

/// Work the reducer asks the runner to do, as values, so tests can assert them.
public enum ConsoleEffect: Hashable, Sendable {
    case send(OperatorCommand)
    /// Read the log's earlier history (answered with `.earlierHistory`).
    case loadEarlierHistory
    /// Leave the console: the runner restores the terminal and shuts the engine down, letting a
    /// running step finish.
    case quit
}

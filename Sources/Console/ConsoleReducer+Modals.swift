import Foundation
import MammonCore
import TerminalKit

extension ConsoleReducer {
    /// Keys while a dialog is open. Nothing dangerous happens on Enter alone: each dialog starts on
    /// its safe choice.
    static func modalKey(_ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let modal = state.modal else { return [] }
        switch modal {
        case .help(let scroll):
            switch key {
            case .up, .char("k"): state.modal = .help(scroll: max(0, scroll - 1))
            case .down, .char("j"): state.modal = .help(scroll: scroll + 1)
            case .pageDown: state.modal = .help(scroll: scroll + 10)
            case .pageUp: state.modal = .help(scroll: max(0, scroll - 10))
            default: state.modal = nil
            }
            return []

        case .details(let title, let lines, let scroll):
            switch key {
            case .up, .char("k"): state.modal = .details(title: title, lines: lines, scroll: max(0, scroll - 1))
            case .down, .char("j"): state.modal = .details(title: title, lines: lines, scroll: min(max(0, lines.count - 1), scroll + 1))
            case .enter, .escape, .char("q"): state.modal = nil
            default: break
            }
            return []

        case .confirm(let question, let yes):
            switch key {
            case .left, .right, .tab, .backTab: state.modal = .confirm(question, yes: !yes)
            case .char("y"), .char("Y"): return answer(question, &state)
            case .char("n"), .char("N"), .escape, .char("q"): state.modal = nil
            case .enter:
                if yes { return answer(question, &state) }
                state.modal = nil
            default: break
            }
            return []

        case .emergencyStop(let typed):
            switch key {
            case .escape: state.modal = nil; state.say("emergency stop not sent", .info)
            case .backspace, .delete: state.modal = .emergencyStop(typed: String(typed.dropLast()))
            case .char(let c) where typed.count < 16: state.modal = .emergencyStop(typed: typed + String(c))
            case .enter:
                guard typed == Modal.emergencyWord else {
                    state.say("type \(Modal.emergencyWord) exactly to confirm, or Esc", .warning)
                    return []
                }
                state.modal = nil
                state.say("EMERGENCY STOP sent", .error)
                return [.send(.emergencyStop)]
            default: break
            }
            return []

        case .approval(let id, let choice, let scroll):
            let all = Modal.ApprovalChoice.allCases
            switch key {
            case .left, .backTab:
                state.modal = .approval(id: id, choice: all[(choice.rawValue + all.count - 1) % all.count], scroll: scroll)
            case .right, .tab:
                state.modal = .approval(id: id, choice: all[(choice.rawValue + 1) % all.count], scroll: scroll)
            case .up, .char("k"): state.modal = .approval(id: id, choice: choice, scroll: max(0, scroll - 1))
            case .down, .char("j"): state.modal = .approval(id: id, choice: choice, scroll: scroll + 1)
            case .char("y"), .char("Y"): return choose(.approve, id, &state)
            case .char("d"), .char("D"): return choose(.decline, id, &state)
            case .char("n"), .char("N"), .escape, .char("q"): state.modal = nil
            case .enter: return choose(choice, id, &state)
            default: break
            }
            return []
        }
    }

    static func answer(_ question: Modal.Question, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.modal = nil
        switch question {
        case .stopScheduler:
            state.say("stopping the scheduler", .info)
            return [.send(.stop)]
        case .quitDuringExecution:
            return [.quit]
        case .resume:
            state.say("resuming", .info)
            return [.send(.resume)]
        case .cancelTransaction(let id):
            state.say("cancellation requested: sent at the next stuck check", .warning)
            return [.send(.cancelTransaction(executionID: id))]
        }
    }

    static func choose(_ choice: Modal.ApprovalChoice, _ id: UUID, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.modal = nil
        let route = state.opportunities[id]?.recommendation.route ?? id.uuidString
        switch choice {
        case .approve:
            state.say("approval sent for \(route); the engine re-checks gates and limits", .info)
            return [.send(.approve(id))]
        case .decline:
            state.say("declining \(route)", .info)
            return [.send(.decline(id))]
        case .cancel:
            return []
        }
    }
}

import ArgumentParser
import Foundation
import MammonCore
import Runtime

/// `mammon profitability`: the what-if calculator, every cost and every gate.
struct ProfitabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profitability",
        abstract: "What-if: would moving AMOUNT from CURRENT to TARGET APY pay for itself?")

    @Option(help: "Current APY in percent.") var currentApy: String
    @Option(help: "Target APY in percent.") var targetApy: String
    @Option(help: "Amount in USD.") var amount: String
    @Flag(help: "The move needs a swap (adds swap gas and slippage).") var swap = false
    @Option(help: "Amount swapped in USD (default: the whole amount).") var swapAmount: String?
    @Option(help: "Slippage in basis points for a swap.") var slippageBps: String = "50"
    @Option(help: "Protocol fee in percent of the amount.") var protocolFeePct: String = "0"
    @Option(help: "Gas price in gwei.") var gasPriceGwei: String = "0.01"
    @Option(help: "ETH price in USD.") var ethUsd: String = "2500"
    @Flag(help: "No approve transaction is needed.") var noApprove = false
    @Flag(help: "Idle funds: no withdraw transaction.") var newPosition = false
    @Option(help: "Market guards: the target's average APY over APY_WINDOW_HOURS (default: --target-apy).") var windowApy: String?
    @Option(help: "Market guards: hours of the APY window the target's history covers (default: all of it).") var historyHours: String?
    @Option(help: "Market guards: the target market's supply in USD before the move (default: not checked).") var marketSupply: String?
    @Option(help: "Market guards: our position already in the target, in USD.") var positionInTarget: String?
    @Option(help: "Market guards: hours since a move last touched the source market (default: never).") var hoursSinceMove: String?
    @Option(help: "Market guards: the source market's supply fell this many percent within 24 h (an exit at EXIT_TVL_DROP_PCT).") var supplyDropPct: String?
    @Option(help: "Market guards: the source market's utilization in percent, stayed for an hour (an exit at 99).") var utilizationPct: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var settings: ConfigOptions

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        func number(_ text: String, _ flag: String, min: Decimal? = 0) throws -> Decimal {
            guard let v = Decimal.strict(text), min.map({ v >= $0 }) ?? true else {
                throw ValidationError("--\(flag) '\(text)' is not a number\(min.map { " ≥ \($0.plainString)" } ?? "")")
            }
            return v
        }
        let plan = MovePlan(
            withdrawGas: newPosition ? nil : GasUnits.genericWithdraw,
            approveGas: noApprove ? nil : GasUnits.genericApprove,
            swapGas: swap ? GasUnits.genericSwap : nil,
            depositGas: GasUnits.genericDeposit,
            gasPriceGwei: try number(gasPriceGwei, "gas-price-gwei"), ethUSD: try number(ethUsd, "eth-usd"),
            slippageBps: try number(slippageBps, "slippage-bps"),
            swapAmountUSD: try swapAmount.map { try number($0, "swap-amount") },
            protocolFeePct: try number(protocolFeePct, "protocol-fee-pct"))
        var whatIf = GuardWhatIf()
        whatIf.windowAPY = try windowApy.map { try number($0, "window-apy", min: nil) }
        whatIf.historyHours = try historyHours.map { try number($0, "history-hours") }
        whatIf.marketSupplyUSD = try marketSupply.map { try number($0, "market-supply") }
        whatIf.positionInTargetUSD = try positionInTarget.map { try number($0, "position-in-target") }
        whatIf.hoursSinceMove = try hoursSinceMove.map { try number($0, "hours-since-move") }
        whatIf.supplyDropPct = try supplyDropPct.map { try number($0, "supply-drop-pct") }
        whatIf.utilizationPct = try utilizationPct.map { try number($0, "utilization-pct") }
        let amountUSD = try number(amount, "amount"), spot = try number(targetApy, "target-apy", min: nil)
        // With a guard figure, the target is judged as the engine judges it and the guards' gates are listed.
        let judged = whatIf.judge(targetAPY: spot, amountUSD: amountUSD, newPosition: newPosition, guards: config.guards, now: Date())
        let analysis = ProfitabilityGate.analyze(
            currentAPY: try number(currentApy, "current-apy", min: nil), targetAPY: judged?.targetAPY ?? spot,
            amountUSD: amountUSD, plan: plan, thresholds: config.gates, guards: judged?.checks)
        if json {
            print(try JSONReport.text(analysis))
        } else {
            print(ProfitabilityReport.text(analysis, plan: plan))
        }
        if !analysis.profitable { throw ExitCode(1) }
    }
}

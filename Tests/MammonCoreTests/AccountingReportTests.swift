import Foundation
import MammonCore
import XCTest

final class AccountingReportTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15T08:00:00Z
    func usdc(_ units: UInt128) -> TokenAmount { TokenAmount(baseUnits: units, decimals: 6) }

    func observation(_ hours: Double, log: Int64, aave: UInt128, idle: UInt128 = 0) -> BalanceObservation {
        BalanceObservation(at: t0.addingTimeInterval(hours * 3600), logPosition: log, idle: usdc(idle),
                           markets: [MarketBalance(marketID: .aaveV3, amount: usdc(aave), apy: Decimal(string: "3.1")!),
                                     MarketBalance(marketID: .moonwell, amount: usdc(0), apy: 5)])
    }

    func testDailyTablesSumToTheTotalAndQuoteWhatNeedsIt() {
        let obs = [observation(0, log: 1, aave: 1_000_000_000, idle: 5), observation(10, log: 2, aave: 1_000_100_000, idle: 5),
                   observation(20, log: 3, aave: 1_000_150_000, idle: 5), observation(50, log: 4, aave: 1_000_149_999, idle: 5)]
        let report = AccountingReport.build(network: "base", period: .init(), transactions: [], moves: [], observations: obs, flows: [])
        let earnings = report.tables[3]
        XCTAssertEqual(earnings.rows.map { $0[0] }, ["2027-01-15", "2027-01-16", "2027-01-17"], "each day's scans measure it; idle Moonwell has no row")
        XCTAssertEqual(earnings.rows.map { $0[3] }, ["100000", "50000", "-1"])
        XCTAssertEqual(earnings.rows.reduce(Int128(0)) { $0 + Int128($1[3])! }, 149_999, "the days add up to the whole")
        XCTAssertEqual(earnings.rows.last?[2], "-0.000001", "a loss is a negative exact amount")
        let balances = report.tables[2]
        XCTAssertEqual(balances.rows.first, ["2027-01-15", "wallet", "0.000005", "5", ""])
        XCTAssertEqual(balances.rows.filter { $0[1] == "moonwell" }, [], "an empty market has no balance row")
        XCTAssertEqual(AccountingReport.signedExact(-12, decimals: 6), "-0.000012")

        var quoted = report
        quoted.tables = [ReportTable(name: "moves", columns: ["a", "error"], rows: [["1", "failed, \"badly\"\nreally"]])]
        XCTAssertEqual(quoted.csv(table: "moves"), "a,error\r\n1,\"failed, \"\"badly\"\"\nreally\"\r\n")
        XCTAssertEqual(quoted.csv(), "table,a,error\r\nmoves,1,\"failed, \"\"badly\"\"\nreally\"\r\n")
    }

    func testTransactionsCarryTheirReceiptAndExplorerLink() {
        let receipt = TransactionReceipt(hash: "0xabc", succeeded: true, blockNumber: 9, gasUsed: 100_000, effectiveGasPriceWei: 6_000_000,
                                         l1FeeWei: 123)
        let tx = MinedTransaction(executionID: UUID(uuidString: "00000000-0000-0000-0000-000000000007")!, step: .deposit, attempt: 1,
                                  isCancellation: false, hash: "0xabc", at: t0, receipt: receipt, gasUsed: 100_000,
                                  feeUSD: Decimal(string: "0.0018000369")!)
        let inside = AccountingReport.build(network: "base", period: .init(from: t0, until: t0.addingTimeInterval(1)), transactions: [tx],
                                            moves: [], observations: [], flows: [])
        XCTAssertEqual(inside.tables[0].rows, [["2027-01-15T08:00:00.000Z", "00000000-0000-0000-0000-000000000007", "deposit", "1", "no",
                                               "0xabc", "9", "succeeded", "100000", "6000000", "123", "600000000123", "0.000000600000000123",
                                               "0.0018000369", "https://basescan.org/tx/0xabc"]])
        let outside = AccountingReport.build(network: "base", period: .init(until: t0), transactions: [tx], moves: [], observations: [], flows: [])
        XCTAssertEqual(outside.tables[0].rows.count, 0, "the period's end is exclusive")
    }
}

import Foundation
import XCTest

/// `mammon report` on a database the engine wrote: its sums are `history`'s.
final class ReportTests: XCTestCase {
    var dir: String!
    override func setUp() {
        dir = NSTemporaryDirectory() + "mammon-report-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Rows of one table of `report --csv` (every row led by its table's name).
    func table(_ csv: String, _ name: String) -> [[String: String]] {
        // Nothing in this run needs quoting (no errors; hashes, numbers, names), so a split on commas is exact.
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        var columns: [String] = []
        var rows: [[String: String]] = []
        for fields in lines {
            if fields.first == "table" { columns = fields; continue }
            guard fields.first == name else { continue }
            rows.append(Dictionary(uniqueKeysWithValues: zip(columns, fields).map { ($0, $1) }))
        }
        return rows
    }

    func testTheCSVReportsSumsEqualHistory() throws {
        let bin = try BuiltBinary.require()
        let db = dir + "/sim.sqlite"
        for _ in 0..<2 { XCTAssertEqual(try bin.run(["--no-ui", "--once", "--db", db]).status, 0) }

        let history = try bin.run(["history", "--json", "--limit", "1000", "--db", db])
        XCTAssertEqual(history.status, 0, history.stderr)
        let entries = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [[String: Any]]
        let executions = entries.map { $0["execution"] as! [String: Any] }
        let steps = entries.flatMap { $0["steps"] as! [[String: Any]] }
        XCTAssertGreaterThan(executions.count, 1)
        XCTAssertTrue(steps.allSatisfy { $0["explorer_url"] == nil }, "the simulated network has no explorer")

        let report = try bin.run(["report", "--csv", "--db", db])
        XCTAssertEqual(report.status, 0, report.stderr)
        let txs = table(report.stdout, "transactions")
        let moves = table(report.stdout, "moves")
        XCTAssertEqual(moves.count, executions.count, "one row per move")
        XCTAssertEqual(txs.count, steps.filter { $0["gas_used"] != nil }.count, "one row per mined transaction")

        func decimal(_ any: Any?) -> Decimal { Decimal(string: "\(any ?? "0")") ?? 0 }
        let historyGasUSD = executions.reduce(Decimal(0)) { $0 + decimal($1["gas_cost_usd"]) }
        let historyGas = executions.reduce(0) { $0 + ($1["gas_used"] as! Int) }
        XCTAssertEqual(txs.reduce(Decimal(0)) { $0 + decimal($1["fee_usd"]) }, historyGasUSD)
        XCTAssertEqual(moves.reduce(Decimal(0)) { $0 + decimal($1["gas_usd"]) }, historyGasUSD)
        XCTAssertEqual(txs.reduce(0) { $0 + Int($1["gas_used"]!)! }, historyGas)
        // Receipts are kept: fee in wei = gas × price (+ L1 fee, none here), in ETH exactly.
        for t in txs {
            let fee = UInt64(t["gas_used"]!)! * UInt64(t["effective_gas_price_wei"]!)! + UInt64(t["l1_fee_wei"]!)!
            XCTAssertEqual(t["fee_wei"], String(fee))
            XCTAssertEqual(Decimal(string: t["fee_eth"]!)! * 1_000_000_000_000_000_000, Decimal(fee))
        }
        XCTAssertEqual(Set(moves.map { $0["amount_base_units"]! }), Set(executions.map { (($0["recommendation"] as! [String: Any])["amount"] as! [String: Any])["base_units"] as! String }))

        let json = try bin.run(["report", "--json", "--db", db])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: [[String: String]]]
        XCTAssertEqual(object["transactions"]?.count, txs.count)
        XCTAssertEqual(object["moves"]?.first?["execution_id"], moves.first?["execution_id"])
        XCTAssertFalse(object["balances"]?.isEmpty ?? true)

        let none = try bin.run(["report", "--csv", "--table", "moves", "--from", "2000-01-01", "--to", "2000-01-02", "--db", db])
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertEqual(none.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 1, "only the header: nothing happened then")
        XCTAssertNotEqual(try bin.run(["report", "--db", db]).status, 0, "CSV or JSON must be chosen")
    }
}

import Chain
import EVM
import Foundation
import MammonCore
import Store
import XCTest

/// The built binary on the devnet when something around it is not honest or not alone: a second
/// engine on the same wallet through another database, a database of another wallet, a crash
/// during the fee wait followed by an emergency stop.
final class LiveTrustBinaryTests: DevnetTestCase {
    private var cleanup: [() -> Void] = []

    override func tearDown() async throws {
        for c in cleanup { c() }
        cleanup = []
        try await super.tearDown()
    }

    private func files(keyByte: UInt8 = 0x46) throws -> LiveRunFiles {
        let f = try LiveRunFiles.make(network: devnet.networkFile(), keyByte: keyByte)
        cleanup.append { f.remove() }
        return f
    }

    private func runtimeDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "mammon-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        cleanup.append { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    private func arguments(_ f: LiveRunFiles, database: String? = nil) -> [String] {
        ["--network-file", f.networkFile, "--rpc-url", devnet.info.rpcURL, "--keystore", f.keystore,
         "--password-file", f.password, "--db", database ?? f.database]
    }

    private func nonce() async throws -> UInt64 {
        try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
    }

    func testASecondEngineOnTheSameWalletThroughAnotherDatabaseIsRefused() async throws {
        let binary = try MammonBinary.require()
        let first = try files(), second = try files()
        // Each engine in an environment of its own (systemd, `sudo -u`, cron and a login shell differ):
        // the wallet lock must not move with it.
        let env = ["XDG_RUNTIME_DIR": try runtimeDirectory(), "APPROVAL_MODE": "manual"]
        let otherEnv = ["XDG_RUNTIME_DIR": try runtimeDirectory(), "APPROVAL_MODE": "manual"]
        let running = try SpawnedMammon(binary, ["--no-ui"] + arguments(first), environment: env)
        let ready = await running.waitFor("\"next_scan_time\"")
        XCTAssertTrue(ready, "the first engine did not finish a cycle: \(running.stderr.suffix(2000))")
        let before = try await nonce()

        let refused = try await binary.run(["--no-ui", "--once"] + arguments(second), environment: otherEnv)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("another engine is already running for wallet \(DevnetHarness.walletAddress)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("on chain 31337: pid \(running.pid) (running since "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("on database \(first.database)"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.database), "the refused engine created no database")
        let after = try await nonce()
        XCTAssertEqual(after, before, "nothing was sent beside the first engine")

        let status = await running.stop(SIGTERM)
        XCTAssertEqual(status, 0, running.stderr.suffix(2000) + "")
        // The lock died with the first engine: the second runs now.
        let next = try await binary.run(["--no-ui", "--once"] + arguments(second), environment: otherEnv)
        XCTAssertEqual(next.status, 0, next.stderr.suffix(2000) + "")
    }

    /// Two users, one wallet (root by hand beside the service user, or two operators): the wallet lock
    /// is in one folder for every user, and another user's engine can take it but not pass it.
    func testAnotherUsersEngineOnTheSameWalletIsRefused() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run the second engine as another user")
        }
        let binary = try MammonBinary.require()
        let first = try files(), second = try files()
        let running = try SpawnedMammon(binary, ["--no-ui", "--approval-mode", "manual"] + arguments(first))
        let ready = await running.waitFor("\"next_scan_time\"")
        XCTAssertTrue(ready, "the first engine did not finish a cycle: \(running.stderr.suffix(2000))")
        // The second user's own copy of the key, and a folder of its own for its database.
        let nobody: UInt32 = 65534
        for path in [second.directory.path, second.keystore, second.password, second.networkFile] {
            XCTAssertEqual(chown(path, nobody, nobody), 0, path)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--", binary.path, "--no-ui", "--once",
                       "--approval-mode", "manual"] + arguments(second)
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": second.directory.path, "XDG_RUNTIME_DIR": second.directory.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertNotEqual(p.terminationStatus, 0)
        XCTAssertTrue(stderr.contains("another engine is already running for wallet \(DevnetHarness.walletAddress) on chain 31337: pid \(running.pid)"),
                      stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.database), "the refused engine created no database")
        let status = await running.stop(SIGTERM)
        XCTAssertEqual(status, 0, running.stderr.suffix(2000) + "")
    }

    func testAnotherSignersWaitingTransactionsRefuseTheStart() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        // The node, through a proxy that reports transactions waiting beyond the mined count: another
        // signer on this key that no lock on this machine sees.
        let proxy = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", devnet.info.rpcURL])
        cleanup.append { proxy.stop() }
        let url = try XCTUnwrap(proxy.readyLine["proxy_url"]?.stringValue)
        let control = try JSONRPCClient(urls: [url])
        let mined: UInt64 = try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "latest"])
        _ = try await control.request("proxy_setLie", [["mode": "pending_count", "count": .string("0x" + String(mined + 2, radix: 16))]])
        let args = ["--no-ui", "--once", "--approval-mode", "manual", "--network-file", f.networkFile, "--rpc-url", url, "--keystore", f.keystore,
                    "--password-file", f.password, "--db", f.database]
        let refused = try await binary.run(args)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("another signer is active on wallet \(DevnetHarness.walletAddress) on chain 31337: the node holds unmined transactions at nonces \(mined)…\(mined + 1) that this database never signed (it has journaled no transaction)"),
                      refused.stderr)
        XCTAssertTrue(refused.stdout.isEmpty, "nothing ran: \(refused.stdout.prefix(500))")
        let after = try await nonce()
        XCTAssertEqual(after, mined, "nothing was sent")

        // The same wallet with nothing waiting starts.
        _ = try await control.request("proxy_clearLies")
        let next = try await binary.run(args)
        XCTAssertEqual(next.status, 0, next.stderr.suffix(2000) + "")
    }

    func testAnRPCURLWithAKeyComesFromAFileOrTheEnvironmentAndOnTheCommandLineIsWarnedAbout() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        let key = "k3yS3cretAbcdefghijkl0123"
        let url = devnet.info.rpcURL + "/v2/" + key  // the devnet answers on any path
        let common = ["--no-ui", "--once", "--approval-mode", "manual", "--network-file", f.networkFile, "--keystore", f.keystore,
                      "--password-file", f.password, "--db", f.database]
        func noKey(_ r: MammonBinary.Result) {
            XCTAssertFalse(r.stderr.contains(key) || r.stdout.contains(key), "the key was printed: \(r.stderr.suffix(2000))")
        }
        // From a file only its owner reads.
        let file = f.directory.appendingPathComponent("rpc-urls").path
        try "# the node\n\(url)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let open = try await binary.run(common + ["--rpc-url-file", file])
        XCTAssertNotEqual(open.status, 0, "a file others can read is refused")
        XCTAssertTrue(open.stderr.contains("chmod 600"), open.stderr)
        noKey(open)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let fromFile = try await binary.run(common + ["--rpc-url-file", file])
        XCTAssertEqual(fromFile.status, 0, fromFile.stderr.suffix(2000) + "")
        XCTAssertFalse(fromFile.stderr.contains("warning: --rpc-url"), fromFile.stderr)
        noKey(fromFile)
        // From the environment.
        let fromEnv = try await binary.run(common, environment: ["MAMMON_RPC_URL": url])
        XCTAssertEqual(fromEnv.status, 0, fromEnv.stderr.suffix(2000) + "")
        XCTAssertFalse(fromEnv.stderr.contains("warning: --rpc-url"), fromEnv.stderr)
        noKey(fromEnv)
        // On the command line it still works, with a warning that names no secret.
        let onLine = try await binary.run(common + ["--rpc-url", url])
        XCTAssertEqual(onLine.status, 0, onLine.stderr.suffix(2000) + "")
        XCTAssertTrue(onLine.stderr.contains("warning: --rpc-url http://127.0.0.1:"), onLine.stderr)
        XCTAssertTrue(onLine.stderr.contains("use --rpc-url-file FILE (chmod 600) or $MAMMON_RPC_URL"), onLine.stderr)
        noKey(onLine)
        let plain = try await binary.run(common + ["--rpc-url", devnet.info.rpcURL])
        XCTAssertFalse(plain.stderr.contains("warning: --rpc-url"), "no key, no warning: \(plain.stderr)")
    }

    func testADatabaseOfAnotherWalletIsRefusedNamingBoth() async throws {
        let binary = try MammonBinary.require()
        let owner = try files()
        let made = try await binary.run(["--no-ui", "--once", "--approval-mode", "manual"] + arguments(owner))
        XCTAssertEqual(made.status, 0, made.stderr.suffix(2000) + "")
        let identity = try XCTUnwrap(AppDatabase.openReadOnly(path: owner.database).identity())
        XCTAssertEqual(identity.chainID, "31337")
        XCTAssertEqual(identity.wallet.lowercased(), DevnetHarness.walletAddress.lowercased())

        let other = try files(keyByte: 0x47)
        var otherKey = [UInt8](repeating: 0x47, count: 32)
        let otherWallet = try Secp256k1Signer(privateKey: SecretBytes(consuming: &otherKey)).address.checksummed
        let refused = try await binary.run(["--no-ui", "--once"] + arguments(other, database: owner.database))
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("belongs to chain 31337 (file:devnet), wallet \(identity.wallet), not to chain 31337 (file:devnet), wallet \(otherWallet)"),
                      refused.stderr)
        XCTAssertTrue(refused.stdout.isEmpty, "nothing ran: \(refused.stdout.prefix(500))")
    }

    func testKilledDuringTheFeeWaitThenEmergencyStoppedTheRestartSendsNothing() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        // 1 000 USDC idle: a profitable deployment, whose first transaction waits for fees under a
        // ceiling the devnet never meets.
        let before = try await nonce()
        let usdcBefore = try await devnet.usdcBalance()
        let waiting = try SpawnedMammon(binary, ["--no-ui", "--once", "--min-profit-usd", "1", "--max-fee-gwei", "0.000001"] + arguments(f),
                                        environment: ["MAMMON_LOG_LEVEL": "notice"])
        let inWait = await waiting.waitFor("is above MAX_FEE_GWEI", inStderr: true)
        XCTAssertTrue(inWait, "never reached the fee wait: \(waiting.stderr.suffix(2000)) \(waiting.stdout.suffix(2000))")
        let killed = await waiting.stop(SIGKILL)
        XCTAssertEqual(killed, SIGKILL)
        let execution = try XCTUnwrap(AppDatabase.openReadOnly(path: f.database).unfinishedExecutions().first,
                                      "the execution row was committed before the wait")

        let halt = try await binary.run(["emergency-stop", "--db", f.database])
        XCTAssertEqual(halt.status, 0, halt.stderr)

        let restart = try await binary.run(["--no-ui", "--once", "--min-profit-usd", "1"] + arguments(f))
        XCTAssertEqual(restart.status, 1, "halted: the cycle does not run. \(restart.stderr.suffix(2000))")
        let finished = restart.events.first { $0["type"]?.stringValue == "execution.finished" }
        XCTAssertEqual(finished?["execution"]?["status"]?.stringValue, "abandoned", restart.stdout.suffix(3000) + "")
        XCTAssertEqual(try AppDatabase.openReadOnly(path: f.database).execution(id: execution.id)?.status, .abandoned)
        let after = try await nonce()
        XCTAssertEqual(after, before, "nothing was signed or sent")
        let usdcAfter = try await devnet.usdcBalance()
        XCTAssertEqual(usdcAfter, usdcBefore)
    }
}

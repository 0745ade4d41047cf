import EVM
import MammonCore

/// JSON-RPC 2.0 over HTTP with several endpoints, failover and per-endpoint health.
///
/// Endpoints are tried in the order given. A call that gets no usable answer from one endpoint
/// (no connection, 5xx, other 4xx, garbage) moves to the next within the same call; 429 and 5xx
/// set a backoff on that endpoint and, when no other endpoint is ready, the call waits for it
/// through the injected clock rather than hammering it. JSON-RPC errors and reverts are answers,
/// not endpoint failures: they come back to the caller at once.
///
/// With `chainID` set, no endpoint serves a call before its `eth_chainId` matched: one that was
/// down when the client started is checked when it first comes up, and one that reports another
/// chain is set aside for good (`RPCError.wrongChain`).
///
/// With two or more endpoints the client also watches their heads, so an endpoint that stopped
/// following the chain does not answer from an old state (old balances, an old nonce, no receipt):
/// - it learns an endpoint's head from the answers it gives (`eth_blockNumber`, the `latest` block,
///   in single calls and batches), and runs a head check before the first call, then before the
///   first call after each `EndpointPolicy.headCheckInterval` seconds, and before every nonce read
///   (`eth_getTransactionCount`: a count from an old state is a nonce already used), asking each
///   endpoint not refused or cooling down its chain id (a chain that changed is refused for good)
///   and its `eth_blockNumber`;
/// - an endpoint is stale when another endpoint reported a head at least `maxHeadLag` blocks higher
///   no later than it reported its own (heads only grow, so an earlier head of the other is a lower
///   bound of its head now): it is set aside like an unhealthy one (`EndpointHealth.stale` says why),
///   still asked at head checks, and used again once a head of its own is within `maxHeadLag` of the
///   others'. An answer that shows its endpoint stale (a `latest` block far behind) is dropped and the
///   call goes to another endpoint;
/// - a read pinned to a block number (`eth_call`, `eth_getBalance`, … at `0x…`, `eth_getLogs` up
///   to a block) goes only to an endpoint that has reported that block, heads checked again once if
///   none has; with none, it fails (`RPCError.behindTheChain`) rather than be answered from a node
///   that does not have the block (an error, or worse, a zero).
/// With one endpoint there is nothing to compare: no head checks, no routing.
public actor JSONRPCClient {
    private let transports: [any HTTPTransport]
    private var health: [EndpointHealth]
    private let policy: EndpointPolicy
    private let clock: any RPCClock
    private let chainID: UInt64?
    private var nextID = 1
    /// HTTP round trips made by this client, across endpoints.
    public private(set) var roundTrips = 0
    private var roundTripObserver: (@Sendable (RoundTripSample) -> Void)?
    private var changeObserver: (@Sendable (String) -> Void)?
    /// When the last head check started (client clock); nil before the first.
    private var lastHeadCheck: Double?

    /// `verifiedURLs`: endpoints whose chain id the caller has just checked itself.
    public init(transports: [any HTTPTransport], policy: EndpointPolicy = EndpointPolicy(),
                clock: any RPCClock = SystemRPCClock(), chainID: UInt64? = nil, verifiedURLs: Set<String> = [])
    {
        precondition(!transports.isEmpty, "JSONRPCClient needs at least one endpoint")
        self.transports = transports
        self.health = transports.map {
            var h = EndpointHealth(url: $0.url)
            h.chainVerified = verifiedURLs.contains($0.url)
            return h
        }
        self.policy = policy
        self.clock = clock
        self.chainID = chainID
    }

    /// A client over libcurl, one kept-alive connection per URL.
    public init(urls: [String], options: TransportOptions = TransportOptions(), policy: EndpointPolicy = EndpointPolicy(),
                clock: any RPCClock = SystemRPCClock(), chainID: UInt64? = nil, verifiedURLs: Set<String> = []) throws(RPCError)
    {
        var transports: [any HTTPTransport] = []
        for url in urls {
            do {
                transports.append(try CurlTransport(url: url, options: options))
            } catch {
                throw .transport(method: "connect", error)
            }
        }
        self.init(transports: transports, policy: policy, clock: clock, chainID: chainID, verifiedURLs: verifiedURLs)
    }

    /// Calls `observer` after every HTTP round trip from now on (metrics); nil stops it.
    public func observeRoundTrips(_ observer: (@Sendable (RoundTripSample) -> Void)?) { roundTripObserver = observer }

    /// Tells `observer` in a sentence (URLs redacted) when an endpoint is set aside as stale, is used
    /// again after catching up, or is refused for another chain; nil stops it.
    public func observeEndpointChanges(_ observer: (@Sendable (String) -> Void)?) { changeObserver = observer }

    /// A snapshot of every endpoint's health, in preference order.
    public func endpointHealth() -> [EndpointHealth] { health }

    /// Every endpoint's health with whether it is in use now (not set aside, not refused), for metrics.
    public func endpointStates() -> [(health: EndpointHealth, usable: Bool)] {
        let now = clock.now()
        return health.map { ($0, $0.isHealthy(at: now)) }
    }

    /// Calls one method and returns its `result` (which may be `null`, e.g. a pending receipt).
    public func request(_ method: String, _ params: [JSONValue] = []) async throws(RPCError) -> JSONValue {
        let id = takeID()
        let body = Self.requestObject(id: id, method: method, params: params).utf8Bytes
        let (answer, context) = try await exchange(body, label: method, expecting: .single(id),
                                                   calls: [(id, RPCCall(method, params))])
        return try Self.result(of: answer, context: context)
    }

    /// Sends all calls in one HTTP round trip; results come back in call order, each its own
    /// success or error. Throws only when the batch as a whole got no usable answer.
    public func batch(_ calls: [RPCCall]) async throws(RPCError) -> [Result<JSONValue, RPCError>] {
        guard !calls.isEmpty else { return [] }
        let firstID = nextID
        nextID += calls.count
        let requests = calls.enumerated().map { offset, call in
            Self.requestObject(id: firstID + offset, method: call.method, params: call.params)
        }
        let (answer, context) = try await exchange(JSONValue.array(requests).utf8Bytes, label: "batch(\(calls.count))",
                                                   expecting: .batch, calls: calls.enumerated().map { (id: firstID + $0, call: $1) })
        guard let items = answer.arrayValue else {
            // The whole batch was refused with one error object (e.g. batches not supported).
            _ = try Self.result(of: answer, context: context)
            throw .malformedResponse(context, reason: "batch answered with a single result", truncated: false,
                                     body: answer.serialized)
        }
        var byID: [Int: JSONValue] = [:]
        for item in items {
            if let id = item["id"]?.intValue { byID[id] = item }
        }
        return calls.enumerated().map { offset, call in
            let callContext = RPCContext(url: context.url, method: call.method)
            guard let item = byID[firstID + offset] else {
                return .failure(.malformedResponse(callContext, reason: "no answer for id \(firstID + offset) in the batch",
                                                   truncated: false, body: ""))
            }
            return Result { () throws(RPCError) -> JSONValue in try Self.result(of: item, context: callContext) }
        }
    }

    // MARK: - Exchange with failover

    private enum Expectation {
        case single(Int)
        case batch
    }

    private func takeID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// One body to the first ready endpoint, moving on or waiting as the policy says, until an
    /// answer of the expected shape arrives. `calls`: what the body asks, by id (heads are learned
    /// from the answers, a block number in the parameters pins the call to endpoints that have it).
    private func exchange(_ body: [UInt8], label: String, expecting expectation: Expectation, calls: [(id: Int, call: RPCCall)])
        async throws(RPCError) -> (JSONValue, RPCContext)
    {
        let comparing = watchesHeads
        // A nonce read is checked whenever it is made: an old state's count is a nonce already used.
        let readsANonce = calls.contains { $0.call.method == "eth_getTransactionCount" }
        if comparing, readsANonce || policy.headCheckInterval.map({ interval in lastHeadCheck.map { clock.now() - $0 >= interval } ?? true }) == true {
            try await checkHeads()
        }
        let pinned = comparing ? calls.compactMap { Self.pinnedBlock($0.call.method, $0.call.params) }.max() : nil
        if let pinned, !health.indices.contains(where: { servable($0, pinned: pinned, at: clock.now()) }) {
            // No endpoint is known to have the block yet (heads move on): ask them once more.
            try await checkHeads()
        }
        var lastError: RPCError?
        var failedThisCall = Set<Int>()
        for _ in 0..<policy.maxAttempts {
            if Task.isCancelled { throw .cancelled }
            let now = clock.now()
            var usable = health.indices.filter { !failedThisCall.contains($0) && servable($0, pinned: pinned, at: now) }
            if usable.isEmpty && !failedThisCall.isEmpty {
                // Every endpoint failed once in this call: start another round while attempts remain,
                // so a single endpoint's dropped connection is retried rather than fatal.
                failedThisCall.removeAll()
                usable = health.indices.filter { servable($0, pinned: pinned, at: now) }
            }
            guard !usable.isEmpty else { break }
            let index: Int
            if let ready = usable.first(where: { health[$0].isReady(at: now) }) {
                index = ready
            } else {
                // Everyone usable is backing off: wait for the first to come back.
                let soonest = usable.min { (health[$0].backoffUntil ?? now) < (health[$1].backoffUntil ?? now) }!
                do {
                    try await clock.sleep(seconds: max(0, (health[soonest].backoffUntil ?? now) - now))
                } catch {
                    throw .cancelled
                }
                index = soonest
            }
            let context = RPCContext(url: transports[index].url, method: label)
            do {
                if let chainID, !health[index].chainVerified { try await verifyChain(index, expected: chainID) }
                health[index].roundTrips += 1
                roundTrips += 1
                let answer = try await attempt(body, on: transports[index], context: context, expecting: expectation)
                health[index].recordSuccess()
                if comparing, let head = Self.reportedHead(in: answer, calls: calls, expecting: expectation) {
                    learn(head: head, of: index, at: clock.now())
                    // Its `latest` is far behind another endpoint's: what it answered is an old state.
                    if health[index].stale != nil { continue }
                }
                return (answer, context)
            } catch {
                if case .transport(_, let failure) = error, failure.kind == .cancelled { throw .cancelled }
                if case .cancelled = error { throw .cancelled }
                lastError = error
                if case .wrongChain = error {
                    refuse(index, error)
                    failedThisCall.insert(index)
                    continue
                }
                health[index].recordFailure(error, at: clock.now(), policy: policy)
                if !error.isThrottle { failedThisCall.insert(index) }
            }
        }
        if let lastError { throw lastError }
        // Every endpoint reported another chain: say so, not "retry later".
        if let refusal = health.first?.refusal, health.allSatisfy({ $0.refusal != nil }) { throw refusal }
        let now = clock.now()
        // Reachable endpoints there are, but none with the state the call needs.
        if comparing, health.contains(where: { $0.isReachable(at: now) }),
           pinned != nil || health.allSatisfy({ !$0.isReachable(at: now) || $0.stale != nil })
        {
            throw .behindTheChain(method: label, block: pinned, heads: health.filter { $0.refusal == nil }.map(Self.headLabel))
        }
        let retryAt = health.filter { $0.refusal == nil }.compactMap(\.unhealthyUntil).min() ?? now
        throw .noHealthyEndpoint(urls: health.map(\.url), retryIn: max(0, retryAt - now))
    }

    /// Asks one endpoint for its chain id before it serves anything else (and at every head check).
    /// A failure to answer is an ordinary endpoint failure (checked again next time); another chain is
    /// `.wrongChain`.
    private func verifyChain(_ index: Int, expected: UInt64) async throws(RPCError) {
        let id = takeID()
        let body = Self.requestObject(id: id, method: "eth_chainId", params: []).utf8Bytes
        let context = RPCContext(url: transports[index].url, method: "eth_chainId")
        health[index].roundTrips += 1
        roundTrips += 1
        let answer = try await attempt(body, on: transports[index], context: context, expecting: .single(id))
        let reported = try Self.quantity(try Self.result(of: answer, context: context), context: context)
        guard reported == expected else { throw .wrongChain(url: transports[index].url, expected: expected, reported: reported) }
        health[index].chainVerified = true
    }

    // MARK: - Heads

    /// Heads are compared when two or more endpoints could serve (not refused for another chain).
    private var watchesHeads: Bool { health.count(where: { $0.refusal == nil }) >= 2 }

    /// May serve a call now: healthy (not refused, cooling down or stale) and, for a read pinned to a
    /// block, known to have reached it.
    private func servable(_ index: Int, pinned: UInt64?, at now: Double) -> Bool {
        guard health[index].isHealthy(at: now) else { return false }
        guard let pinned else { return true }
        return health[index].head.map { $0 >= pinned } ?? false
    }

    /// A head check: every endpoint not refused, cooling down or backing off is asked its chain id
    /// (when the client has one) and its head, one after the other; the heads count as read at the
    /// check's start, so they are compared with each other as one moment's. A failure counts against
    /// its endpoint as any failed call does.
    private func checkHeads() async throws(RPCError) {
        let started = clock.now()
        lastHeadCheck = started
        var answered: [Int] = []
        for index in health.indices {
            guard health[index].isReachable(at: started), health[index].backoffUntil.map({ clock.now() >= $0 }) ?? true else { continue }
            if Task.isCancelled { throw .cancelled }
            do {
                if let chainID { try await verifyChain(index, expected: chainID) }
                let id = takeID()
                let context = RPCContext(url: transports[index].url, method: "eth_blockNumber")
                health[index].roundTrips += 1
                roundTrips += 1
                let answer = try await attempt(Self.requestObject(id: id, method: "eth_blockNumber", params: []).utf8Bytes,
                                               on: transports[index], context: context, expecting: .single(id))
                let head = try Self.quantity(try Self.result(of: answer, context: context), context: context)
                health[index].recordSuccess()
                health[index].head = head
                health[index].headSeenAt = started
                answered.append(index)
            } catch {
                if case .transport(_, let failure) = error, failure.kind == .cancelled { throw .cancelled }
                if case .cancelled = error { throw .cancelled }
                if case .wrongChain = error {
                    refuse(index, error)
                } else {
                    health[index].recordFailure(error, at: clock.now(), policy: policy)
                }
            }
        }
        for index in answered { judge(index) }
    }

    /// A head an endpoint reported in an answer: it is judged against the others' earlier heads, and
    /// it may show an endpoint that reported no later than now far behind.
    private func learn(head: UInt64, of index: Int, at now: Double) {
        health[index].head = head
        health[index].headSeenAt = now
        judge(index)
        for other in health.indices where other != index && health[other].refusal == nil {
            guard let theirs = health[other].head, let seen = health[other].headSeenAt, seen >= now,
                  lags(theirs, behind: head), health[other].stale == nil else { continue }
            setStale(other, StaleHead(head: theirs, aheadURL: health[index].url, aheadHead: head))
        }
    }

    /// Sets or clears `stale` for one endpoint from its own head and the highest head another endpoint
    /// (not refused) reported no later than it did: a lower bound of that endpoint's head at the time.
    private func judge(_ index: Int) {
        guard let head = health[index].head, let seen = health[index].headSeenAt else { return }
        var ahead: (url: String, head: UInt64)?
        for other in health.indices where other != index && health[other].refusal == nil {
            guard let theirs = health[other].head, let when = health[other].headSeenAt, when <= seen else { continue }
            if theirs > (ahead?.head ?? 0) { ahead = (health[other].url, theirs) }
        }
        if let ahead, lags(head, behind: ahead.head) {
            setStale(index, StaleHead(head: head, aheadURL: ahead.url, aheadHead: ahead.head))
        } else if health[index].stale != nil {
            health[index].stale = nil
            changeObserver?("RPC endpoint \(EndpointURL.redacted(health[index].url)) caught up (head \(head), less than \(policy.maxHeadLag) blocks behind the others): in use again")
        }
    }

    /// Whether `head` is `maxHeadLag` blocks or more behind `ahead`.
    private func lags(_ head: UInt64, behind ahead: UInt64) -> Bool { ahead > head && ahead - head >= policy.maxHeadLag }

    private func setStale(_ index: Int, _ reason: StaleHead) {
        let wasStale = health[index].stale != nil
        health[index].stale = reason
        if !wasStale { changeObserver?("RPC endpoint \(EndpointURL.redacted(health[index].url)): \(reason)") }
    }

    /// Another chain: refused for good; an endpoint it had shown stale is judged again without it.
    private func refuse(_ index: Int, _ error: RPCError) {
        let first = health[index].refusal == nil
        health[index].refusal = error
        health[index].stale = nil
        if first { changeObserver?("\(error)") }
        for other in health.indices where health[other].stale?.aheadURL == health[index].url {
            health[other].stale = nil
            judge(other)
        }
    }

    private static func headLabel(_ h: EndpointHealth) -> String {
        EndpointURL.redacted(h.url) + " " + (h.head.map(String.init) ?? "unknown") + (h.stale == nil ? "" : " (stale)")
    }

    /// The head an answer reports: `eth_blockNumber`'s result, or the number of the `latest` block
    /// (`eth_getBlockByNumber("latest", …)`), the highest when a batch holds several.
    private static func reportedHead(in answer: JSONValue, calls: [(id: Int, call: RPCCall)],
                                     expecting expectation: Expectation) -> UInt64? {
        func head(_ call: RPCCall, _ item: JSONValue) -> UInt64? {
            guard let result = item["result"], item["error"] == nil || item["error"]?.isNull == true else { return nil }
            let text: String?
            switch call.method {
            case "eth_blockNumber": text = result.stringValue
            case "eth_getBlockByNumber" where call.params.first?.stringValue == "latest": text = result["number"]?.stringValue
            default: text = nil
            }
            return text.flatMap { try? Hex.parseQuantity($0) }
        }
        switch expectation {
        case .single:
            guard let only = calls.first, calls.count == 1 else { return nil }
            return head(only.call, answer)
        case .batch:
            guard let items = answer.arrayValue else { return nil }
            var byID: [Int: JSONValue] = [:]
            for item in items { if let id = item["id"]?.intValue { byID[id] = item } }
            return calls.compactMap { c in byID[c.id].flatMap { head(c.call, $0) } }.max()
        }
    }

    /// The block number a read is pinned to, when its block parameter is a number (`0x…`, or EIP-1898's
    /// `{"blockNumber": "0x…"}`) rather than a tag; for `eth_getLogs`, the higher of `fromBlock` and
    /// `toBlock`. nil for everything else.
    static func pinnedBlock(_ method: String, _ params: [JSONValue]) -> UInt64? {
        func number(_ value: JSONValue?) -> UInt64? {
            guard let value else { return nil }
            let text = value.stringValue ?? value["blockNumber"]?.stringValue
            guard let text, text.hasPrefix("0x") else { return nil }
            return try? Hex.parseQuantity(text)
        }
        let position: Int
        switch method {
        case "eth_call", "eth_getBalance", "eth_getTransactionCount", "eth_getCode", "eth_estimateGas", "eth_feeHistory": position = 1
        case "eth_getStorageAt", "eth_getProof": position = 2
        case "eth_getLogs":
            guard let filter = params.first else { return nil }
            return [number(filter["fromBlock"]), number(filter["toBlock"])].compactMap { $0 }.max()
        default: return nil
        }
        return params.count > position ? number(params[position]) : nil
    }

    private func attempt(_ body: [UInt8], on transport: any HTTPTransport, context: RPCContext,
                         expecting expectation: Expectation) async throws(RPCError) -> JSONValue
    {
        let started = clock.now()
        func observe(failed: Bool) {
            roundTripObserver?(RoundTripSample(url: transport.url, seconds: max(0, clock.now() - started), failed: failed))
        }
        do {
            let answer = try await exchangeOnce(body, on: transport, context: context, expecting: expectation)
            observe(failed: false)
            return answer
        } catch {
            // A transfer we cancelled says nothing about the endpoint.
            if case .transport(_, let failure) = error, failure.kind == .cancelled { throw error }
            observe(failed: true)
            throw error
        }
    }

    private func exchangeOnce(_ body: [UInt8], on transport: any HTTPTransport, context: RPCContext,
                              expecting expectation: Expectation) async throws(RPCError) -> JSONValue
    {
        let response: HTTPResponse
        do {
            response = try await transport.post(body)
        } catch {
            throw .transport(method: context.method, error)
        }
        let text = NodeText.cut(String(decoding: response.body.prefix(NodeText.limit * 4), as: UTF8.self))
        let statusError = RPCError.httpStatus(context, status: response.status, retryAfter: response.retryAfter, body: text)
        if statusError.isThrottle && response.status != 500 { throw statusError }
        let answer: JSONValue
        do {
            answer = try JSONValue.parse(response.body)
        } catch {
            if !(200...299).contains(response.status) { throw statusError }
            throw .malformedResponse(context, reason: error.description, truncated: error.truncated, body: text)
        }
        // Some nodes answer JSON-RPC errors with HTTP 4xx/500; a well-formed answer still counts.
        if let problem = Self.shapeProblem(of: answer, expecting: expectation) {
            if !(200...299).contains(response.status) { throw statusError }
            throw .malformedResponse(context, reason: problem, truncated: false, body: text)
        }
        return answer
    }

    private static func shapeProblem(of answer: JSONValue, expecting expectation: Expectation) -> String? {
        switch expectation {
        case .batch:
            if let items = answer.arrayValue {
                return items.allSatisfy { $0.objectValue != nil } ? nil : "batch answer holds a non-object"
            }
            return answer["error"] != nil ? nil : "batch answer is not an array"
        case .single(let id):
            guard answer.objectValue != nil else { return "answer is not a JSON object" }
            guard answer["result"] != nil || answer["error"] != nil else { return "answer has neither result nor error" }
            if let answeredID = answer["id"], answeredID.intValue != id {
                // A parse or request error may come back with a null id; anything else is someone else's answer.
                if !(answeredID.isNull && answer["error"] != nil) {
                    return "answer for id \(answeredID.serialized), asked \(id)"
                }
            }
            return nil
        }
    }
}

import EVM

/// The L1 data fee on OP-stack networks, from the GasPriceOracle predeploy (0x42…0F).
enum L1Fee {
    /// `getL1Fee(bytes)` of a typical step: an unsigned type-2 transaction carrying a 4-argument
    /// call (Aave's supply, the largest the engine sends), so the quote is not an underestimate.
    static func call(oracle: Address) -> ContractCall {
        let sample = EIP1559Transaction(chainID: 8453, nonce: 1_000, maxPriorityFeePerGas: 1_000_000, maxFeePerGas: 100_000_000,
                                        gasLimit: 300_000, to: oracle, data: [0x61, 0x7b, 0xa0, 0x37] + [UInt8](repeating: 0x11, count: 128))
        return ContractCall(to: oracle, "getL1Fee(bytes)", [.bytes(sample.signingPayload())], label: "GasPriceOracle getL1Fee")
    }
}

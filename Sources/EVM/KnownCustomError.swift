/// Custom errors an operator meets by name: Zodiac Roles v2.1.0's refusals (a fenced treasury's role
/// saying no) and the Safe's module errors. Anything else stays a selector.
enum KnownCustomError {
    /// `PermissionChecker.Status` of Roles v2.1.0, in order.
    static let rolesStatus = [
        "Ok", "DelegateCallNotAllowed", "TargetAddressNotAllowed", "FunctionNotAllowed", "SendNotAllowed", "OrViolation",
        "NorViolation", "ParameterNotAllowed", "ParameterLessThanAllowed", "ParameterGreaterThanAllowed", "ParameterNotAMatch",
        "NotEveryArrayElementPasses", "NoArrayElementPasses", "ParameterNotSubsetOfAllowed", "BitmaskOverflow", "BitmaskNotAllowed",
        "CustomConditionViolation", "AllowanceExceeded", "CallAllowanceExceeded", "EtherAllowanceExceeded",
    ]

    static let plain: [String] = [
        "NoMembership()", "ModuleTransactionFailed()", "FunctionSignatureTooShort()", "CalldataOutOfBounds()",
        "MalformedMultiEntrypoint()", "ArraysDifferentLength()",
    ]

    static func describe(selector: [UInt8], arguments: [UInt8]) -> String? {
        if selector == ABI.selector("ConditionViolation(uint8,bytes32)"),
           let values = try? ABI.decode([.uint(8), .fixedBytes(32)], from: arguments),
           let status = values[0].uintValue?.uint64Value, let info = values[1].bytesValue {
            let name = status < rolesStatus.count ? rolesStatus[Int(status)] : "status \(status)"
            return "ConditionViolation(\(name), \(Hex.encode(info))) from the Roles module: the role does not allow this call"
        }
        if selector == ABI.selector("NotAuthorized(address)"), let who = try? ABI.decode([.address], from: arguments).first?.addressValue {
            return "NotAuthorized(\(who.checksummed)) from the Roles module"
        }
        if let name = plain.first(where: { ABI.selector($0) == selector }) {
            return name + (name == "NoMembership()" ? " from the Roles module: the signer is not a member of the role" : "")
        }
        return nil
    }
}

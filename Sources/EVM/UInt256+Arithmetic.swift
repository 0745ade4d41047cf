/// Arithmetic on `UInt256`. The plain operators trap on overflow, underflow and division by zero,
/// exactly like Swift's fixed-width integers; the `&` forms wrap (modulo 2^256).
extension UInt256 {
    @inlinable
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(other.w0)
        var (r1, c1) = w1.addingReportingOverflow(other.w1)
        if c0 { let (t, c) = r1.addingReportingOverflow(1); r1 = t; c1 = c1 || c }
        var (r2, c2) = w2.addingReportingOverflow(other.w2)
        if c1 { let (t, c) = r2.addingReportingOverflow(1); r2 = t; c2 = c2 || c }
        var (r3, c3) = w3.addingReportingOverflow(other.w3)
        if c2 { let (t, c) = r3.addingReportingOverflow(1); r3 = t; c3 = c3 || c }
        return (UInt256(limbs: r0, r1, r2, r3), c3)
    }

    @inlinable
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(other.w0)
        var (r1, b1) = w1.subtractingReportingOverflow(other.w1)
        if b0 { let (t, b) = r1.subtractingReportingOverflow(1); r1 = t; b1 = b1 || b }
        var (r2, b2) = w2.subtractingReportingOverflow(other.w2)
        if b1 { let (t, b) = r2.subtractingReportingOverflow(1); r2 = t; b2 = b2 || b }
        var (r3, b3) = w3.subtractingReportingOverflow(other.w3)
        if b2 { let (t, b) = r3.subtractingReportingOverflow(1); r3 = t; b3 = b3 || b }
        return (UInt256(limbs: r0, r1, r2, r3), b3)
    }

    /// Schoolbook 4×4 limb product; `overflow` is set when any bit lands above 2^256.
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var overflow = false
        withUnsafeMutableBytes(of: &result) { raw in
            let r = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            for i in 0..<4 {
                let a = self[limb: i]
                if a == 0 { continue }
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let b = other[limb: j]
                    if i + j >= 4 {
                        if b != 0 { overflow = true }
                        continue
                    }
                    let (high, low) = a.multipliedFullWidth(by: b)
                    let (sum1, c1) = low.addingReportingOverflow(r[i + j])
                    let (sum2, c2) = sum1.addingReportingOverflow(carry)
                    r[i + j] = sum2
                    carry = high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                }
                if carry != 0 { overflow = true }
            }
        }
        return (UInt256(limbs: result.0, result.1, result.2, result.3), overflow)
    }

    /// Quotient and remainder by a 64-bit divisor, one limb at a time (used for decimal output).
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "UInt256 division by zero")
        var quotient = UInt256.zero
        var remainder: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((high: remainder, low: self[limb: i]))
            quotient[limb: i] = q
            remainder = r
        }
        return (quotient, remainder)
    }

    /// Quotient and remainder by a 256-bit divisor (shift-subtract; not in any hot path).
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "UInt256 division by zero")
        if let small = divisor.uint64Value {
            let (q, r) = quotientAndRemainder(dividingBy: small)
            return (q, UInt256(r))
        }
        if self < divisor { return (.zero, self) }
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for bit in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder = remainder << 1
            if self.bit(bit) { remainder.w0 |= 1 }
            if remainder >= divisor {
                remainder = remainder &- divisor
                quotient[limb: bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        return (quotient, remainder)
    }

    @inlinable
    func bit(_ index: Int) -> Bool { (self[limb: index / 64] >> UInt64(index % 64)) & 1 == 1 }

    public static func + (a: UInt256, b: UInt256) -> UInt256 {
        let (r, o) = a.addingReportingOverflow(b)
        precondition(!o, "UInt256 addition overflow")
        return r
    }

    public static func - (a: UInt256, b: UInt256) -> UInt256 {
        let (r, o) = a.subtractingReportingOverflow(b)
        precondition(!o, "UInt256 subtraction underflow")
        return r
    }

    public static func * (a: UInt256, b: UInt256) -> UInt256 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        precondition(!o, "UInt256 multiplication overflow")
        return r
    }

    public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }
    public static func % (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).remainder }
    public static func &+ (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }
    public static func &- (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }
    public static func &* (a: UInt256, b: UInt256) -> UInt256 { a.multipliedReportingOverflow(by: b).partialValue }
    public static func += (a: inout UInt256, b: UInt256) { a = a + b }
    public static func -= (a: inout UInt256, b: UInt256) { a = a - b }
    public static func *= (a: inout UInt256, b: UInt256) { a = a * b }

    public static prefix func ~ (a: UInt256) -> UInt256 { UInt256(limbs: ~a.w0, ~a.w1, ~a.w2, ~a.w3) }
    public static func & (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(limbs: a.w0 & b.w0, a.w1 & b.w1, a.w2 & b.w2, a.w3 & b.w3)
    }
    public static func | (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(limbs: a.w0 | b.w0, a.w1 | b.w1, a.w2 | b.w2, a.w3 | b.w3)
    }
    public static func ^ (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(limbs: a.w0 ^ b.w0, a.w1 ^ b.w1, a.w2 ^ b.w2, a.w3 ^ b.w3)
    }

    /// Logical shift left; bits shifted past 2^256 are dropped, shifts ≥ 256 give zero.
    public static func << (a: UInt256, shift: Int) -> UInt256 {
        precondition(shift >= 0, "negative shift")
        if shift >= 256 { return .zero }
        let limbShift = shift / 64, bitShift = UInt64(shift % 64)
        var r = UInt256.zero
        for i in stride(from: 3, through: limbShift, by: -1) {
            var v = a[limb: i - limbShift] << bitShift
            if bitShift > 0 && i - limbShift - 1 >= 0 { v |= a[limb: i - limbShift - 1] >> (64 - bitShift) }
            r[limb: i] = v
        }
        return r
    }

    /// Logical shift right; shifts ≥ 256 give zero.
    public static func >> (a: UInt256, shift: Int) -> UInt256 {
        precondition(shift >= 0, "negative shift")
        if shift >= 256 { return .zero }
        let limbShift = shift / 64, bitShift = UInt64(shift % 64)
        var r = UInt256.zero
        for i in 0..<(4 - limbShift) {
            var v = a[limb: i + limbShift] >> bitShift
            if bitShift > 0 && i + limbShift + 1 < 4 { v |= a[limb: i + limbShift + 1] << (64 - bitShift) }
            r[limb: i] = v
        }
        return r
    }

    /// 10^exponent, for token-unit scaling; nil when it does not fit (exponent > 77).
    public static func powerOfTen(_ exponent: Int) -> UInt256? {
        guard exponent >= 0 else { return nil }
        var result = UInt256(1)
        for _ in 0..<exponent {
            let (r, o) = result.multipliedReportingOverflow(by: 10)
            if o { return nil }
            result = r
        }
        return result
    }
}

# pragma version ~=0.4.3
"""
@title Devnet Compound V3 Comet (the base asset only)
@notice The calls Mammon makes, with Comet's selectors and return layouts: supply(asset, amount)
        (and supplyTo(dst, asset, amount), for tests that give another address a position),
        withdraw(asset, amount) (type(uint256).max = the whole balance), balanceOf, totalSupply,
        totalBorrow, getUtilization, getSupplyRate(utilization) per second (1e18-scaled, computed
        from the supply curve as Comet does), the supply curve's getters, baseToken, totalsBasic
        and userBasic. Balances are principal × baseSupplyIndex / 1e15, as in Comet; the index
        does not accrue with time: the owner sets it (setSupplyIndex) so balances stay exact.
        No collateral can be supplied, so a withdraw past the balance, which Comet would turn
        into a borrow, reverts NotCollateralized() as Comet does without collateral. The owner
        lends cash out (borrowCash/repayCash) to set the utilization.
        Also every other way Comet moves a base balance, with Comet's rules, so the stolen-key suite
        attacks calls that would work if a role allowed them: supplyFrom, withdrawTo, withdrawFrom,
        transfer, transferFrom, transferAsset, transferAssetFrom, allow and allowBySig (EIP-712,
        Comet's domain and Authorization type; a contract such as a Safe cannot sign one); the
        *From calls need hasPermission(src, msg.sender) or revert Unauthorized().
"""
from ethereum.ercs import IERC20

event Supply:
    sender: indexed(address)
    dst: indexed(address)
    amount: uint256

event Withdraw:
    src: indexed(address)
    to: indexed(address)
    amount: uint256

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    amount: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    amount: uint256

# CometStorage.TotalsBasic and UserBasic: word order matters, callers read by index.
struct TotalsBasic:
    baseSupplyIndex: uint64
    baseBorrowIndex: uint64
    trackingSupplyIndex: uint64
    trackingBorrowIndex: uint64
    totalSupplyBase: uint104
    totalBorrowBase: uint104
    lastAccrualTime: uint40
    pauseFlags: uint8

struct UserBasic:
    principal: int104
    baseTrackingIndex: uint64
    baseTrackingAccrued: uint64
    assetsIn: uint16
    _reserved: uint8

BASE_INDEX_SCALE: constant(uint256) = 10 ** 15
# Comet's EIP-712 domain (name, version "0") and its Authorization type, as CometMainInterface.
DOMAIN_TYPEHASH: constant(bytes32) = keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
AUTHORIZATION_TYPEHASH: constant(bytes32) = keccak256(
    "Authorization(address owner,address manager,bool isAllowed,uint256 nonce,uint256 expiry)")
MAX_VALID_S: constant(bytes32) = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
FACTOR_SCALE: constant(uint256) = 10 ** 18
SECONDS_PER_YEAR: constant(uint256) = 31_536_000

name: public(String[32])
symbol: public(String[16])
decimals: public(constant(uint8)) = 6
owner: public(address)
baseToken: public(immutable(address))
supplyKink: public(uint256)
supplyPerSecondInterestRateBase: public(uint256)
supplyPerSecondInterestRateSlopeLow: public(uint256)
supplyPerSecondInterestRateSlopeHigh: public(uint256)
baseSupplyIndex: uint256
totalSupplyBase: uint256
totalBorrowBase: uint256  # lent out by the owner (borrow index stays 1e15)
lastAccrualTime: uint256
principal: HashMap[address, uint256]
paused: public(bool)
isAllowed: public(HashMap[address, HashMap[address, bool]])
userNonce: public(HashMap[address, uint256])


@deploy
def __init__(base: address, kink: uint256, base_per_year: uint256, slope_low_per_year: uint256, slope_high_per_year: uint256):
    self.owner = msg.sender
    baseToken = base
    self.name = "Compound USDC (devnet)"
    self.symbol = "cUSDCv3"
    self.baseSupplyIndex = BASE_INDEX_SCALE
    self.lastAccrualTime = block.timestamp
    self._set_curve(kink, base_per_year, slope_low_per_year, slope_high_per_year)


@external
def supply(asset: address, amount: uint256):
    self._supply(msg.sender, msg.sender, asset, amount)


@external
def supplyTo(dst: address, asset: address, amount: uint256):
    self._supply(msg.sender, dst, asset, amount)


@external
def supplyFrom(src: address, dst: address, asset: address, amount: uint256):
    self._permitted(src)
    self._supply(src, dst, asset, amount)


@external
def withdraw(asset: address, amount: uint256):
    self._withdraw(msg.sender, msg.sender, asset, amount)


@external
def withdrawTo(to: address, asset: address, amount: uint256):
    self._withdraw(msg.sender, to, asset, amount)


@external
def withdrawFrom(src: address, to: address, asset: address, amount: uint256):
    self._permitted(src)
    self._withdraw(src, to, asset, amount)


@external
def transfer(dst: address, amount: uint256) -> bool:
    self._transfer(msg.sender, dst, baseToken, amount)
    return True


@external
def transferFrom(src: address, dst: address, amount: uint256) -> bool:
    self._permitted(src)
    self._transfer(src, dst, baseToken, amount)
    return True


@external
def transferAsset(dst: address, asset: address, amount: uint256):
    self._transfer(msg.sender, dst, asset, amount)


@external
def transferAssetFrom(src: address, dst: address, asset: address, amount: uint256):
    self._permitted(src)
    self._transfer(src, dst, asset, amount)


@external
def allow(manager: address, isAllowed_: bool):
    self.isAllowed[msg.sender][manager] = isAllowed_
    log Approval(owner=msg.sender, spender=manager, amount=max_value(uint256) if isAllowed_ else 0)


@external
def allowBySig(owner: address, manager: address, isAllowed_: bool, nonce: uint256, expiry: uint256, v: uint8, r: bytes32,
               s: bytes32):
    """@notice Comet's rules: the owner's own EIP-712 signature (ecrecover only, no EIP-1271)."""
    if convert(s, uint256) > convert(MAX_VALID_S, uint256):
        raw_revert(method_id("InvalidValueS()"))
    if v != 27 and v != 28:
        raw_revert(method_id("InvalidValueV()"))
    domain: bytes32 = keccak256(abi_encode(DOMAIN_TYPEHASH, keccak256(self.name), keccak256("0"), chain.id, self))
    struct_hash: bytes32 = keccak256(abi_encode(AUTHORIZATION_TYPEHASH, owner, manager, isAllowed_, nonce, expiry))
    signatory: address = ecrecover(keccak256(concat(b"\x19\x01", domain, struct_hash)), v, r, s)
    if signatory == empty(address) or owner != signatory:
        raw_revert(method_id("BadSignatory()"))
    if nonce != self.userNonce[signatory]:
        raw_revert(method_id("BadNonce()"))
    if block.timestamp >= expiry:
        raw_revert(method_id("SignatureExpired()"))
    self.userNonce[signatory] += 1
    self.isAllowed[owner][manager] = isAllowed_
    log Approval(owner=owner, spender=manager, amount=max_value(uint256) if isAllowed_ else 0)


@view
@external
def hasPermission(owner: address, manager: address) -> bool:
    return owner == manager or self.isAllowed[owner][manager]


@view
@external
def balanceOf(account: address) -> uint256:
    return self._present(self.principal[account])


@view
@external
def totalSupply() -> uint256:
    return self._present(self.totalSupplyBase)


@view
@external
def totalBorrow() -> uint256:
    return self.totalBorrowBase


@view
@external
def getUtilization() -> uint256:
    return self._utilization()


@view
@external
def getSupplyRate(utilization: uint256) -> uint64:
    return self._supply_rate(utilization)


@view
@external
def totalsBasic() -> TotalsBasic:
    return TotalsBasic(
        baseSupplyIndex=convert(self.baseSupplyIndex, uint64),
        baseBorrowIndex=convert(BASE_INDEX_SCALE, uint64),
        trackingSupplyIndex=0,
        trackingBorrowIndex=0,
        totalSupplyBase=convert(self.totalSupplyBase, uint104),
        totalBorrowBase=convert(self.totalBorrowBase, uint104),
        lastAccrualTime=convert(self.lastAccrualTime, uint40),
        pauseFlags=0,
    )


@view
@external
def userBasic(account: address) -> UserBasic:
    return UserBasic(principal=convert(self.principal[account], int104), baseTrackingIndex=0, baseTrackingAccrued=0, assetsIn=0,
                     _reserved=0)


# --- devnet admin -------------------------------------------------------------------------

@external
def setSupplyIndex(index: uint256):
    """@notice Interest: every balance grows with the index (1e15 = 1.0)."""
    assert msg.sender == self.owner, "Comet: only owner"
    assert index >= self.baseSupplyIndex, "Comet: index cannot decrease"
    self.baseSupplyIndex = index
    self.lastAccrualTime = block.timestamp


@external
def setSupplyCurve(kink: uint256, base_per_year: uint256, slope_low_per_year: uint256, slope_high_per_year: uint256):
    assert msg.sender == self.owner, "Comet: only owner"
    self._set_curve(kink, base_per_year, slope_low_per_year, slope_high_per_year)


@external
def borrowCash(amount: uint256, to: address):
    """@notice A borrower takes `amount` of the Comet's USDC: utilization rises, less can be withdrawn."""
    assert msg.sender == self.owner, "Comet: only owner"
    self.totalBorrowBase += amount
    extcall IERC20(baseToken).transfer(to, amount)


@external
def repayCash(amount: uint256):
    assert msg.sender == self.owner, "Comet: only owner"
    extcall IERC20(baseToken).transferFrom(msg.sender, self, amount)
    self.totalBorrowBase -= amount


@external
def setPaused(paused: bool):
    assert msg.sender == self.owner, "Comet: only owner"
    self.paused = paused


@internal
def _set_curve(kink: uint256, base_per_year: uint256, slope_low_per_year: uint256, slope_high_per_year: uint256):
    # As Comet's constructor: yearly rates divided by SECONDS_PER_YEAR.
    self.supplyKink = kink
    self.supplyPerSecondInterestRateBase = base_per_year // SECONDS_PER_YEAR
    self.supplyPerSecondInterestRateSlopeLow = slope_low_per_year // SECONDS_PER_YEAR
    self.supplyPerSecondInterestRateSlopeHigh = slope_high_per_year // SECONDS_PER_YEAR


@internal
def _supply(src: address, dst: address, asset: address, amount: uint256):
    self._check(asset)
    if amount == max_value(uint256):
        return  # repays dst's borrow, and no one borrows here
    extcall IERC20(baseToken).transferFrom(src, self, amount)
    self._credit(dst, amount)
    self.lastAccrualTime = block.timestamp
    log Supply(sender=src, dst=dst, amount=amount)


@internal
def _withdraw(src: address, to: address, asset: address, amount: uint256):
    self._check(asset)
    wanted: uint256 = self._debit(src, amount)
    self.lastAccrualTime = block.timestamp
    extcall IERC20(baseToken).transfer(to, wanted)
    log Withdraw(src=src, to=to, amount=wanted)


@internal
def _transfer(src: address, dst: address, asset: address, amount: uint256):
    self._check(asset)
    if src == dst:
        raw_revert(method_id("NoSelfTransfer()"))
    moved: uint256 = self._debit(src, amount)
    self._credit(dst, moved)
    log Transfer(sender=src, receiver=dst, amount=moved)


@internal
def _credit(account: address, amount: uint256):
    old: uint256 = self.principal[account]
    new: uint256 = (self._present(old) + amount) * BASE_INDEX_SCALE // self.baseSupplyIndex
    self.principal[account] = new
    self.totalSupplyBase += new - old


@internal
def _debit(account: address, amount: uint256) -> uint256:
    """The base units taken from `account`'s balance (type(uint256).max: all of it); past the
    balance Comet would borrow, which needs collateral no one here can supply."""
    old: uint256 = self.principal[account]
    balance: uint256 = self._present(old)
    wanted: uint256 = amount
    if amount == max_value(uint256):
        wanted = balance
    if wanted > balance:
        raw_revert(method_id("NotCollateralized()"))
    new: uint256 = (balance - wanted) * BASE_INDEX_SCALE // self.baseSupplyIndex
    self.principal[account] = new
    self.totalSupplyBase -= old - new
    return wanted


@view
@internal
def _permitted(src: address):
    if src != msg.sender and not self.isAllowed[src][msg.sender]:
        raw_revert(method_id("Unauthorized()"))


@view
@internal
def _check(asset: address):
    if self.paused:
        raw_revert(method_id("Paused()"))
    if asset != baseToken:
        raw_revert(method_id("BadAsset()"))


@view
@internal
def _present(principal: uint256) -> uint256:
    return principal * self.baseSupplyIndex // BASE_INDEX_SCALE


@view
@internal
def _utilization() -> uint256:
    supplied: uint256 = self._present(self.totalSupplyBase)
    if supplied == 0:
        return 0
    return self.totalBorrowBase * FACTOR_SCALE // supplied


@view
@internal
def _supply_rate(utilization: uint256) -> uint64:
    if utilization <= self.supplyKink:
        return convert(self.supplyPerSecondInterestRateBase + self.supplyPerSecondInterestRateSlopeLow * utilization // FACTOR_SCALE, uint64)
    return convert(self.supplyPerSecondInterestRateBase + self.supplyPerSecondInterestRateSlopeLow * self.supplyKink // FACTOR_SCALE
                   + self.supplyPerSecondInterestRateSlopeHigh * (utilization - self.supplyKink) // FACTOR_SCALE, uint64)

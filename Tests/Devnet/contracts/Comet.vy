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
    self._supply(msg.sender, asset, amount)


@external
def supplyTo(dst: address, asset: address, amount: uint256):
    self._supply(dst, asset, amount)


@external
def withdraw(asset: address, amount: uint256):
    self._check(asset)
    old: uint256 = self.principal[msg.sender]
    balance: uint256 = self._present(old)
    wanted: uint256 = amount
    if amount == max_value(uint256):
        wanted = balance
    if wanted > balance:
        raw_revert(method_id("NotCollateralized()"))
    new: uint256 = (balance - wanted) * BASE_INDEX_SCALE // self.baseSupplyIndex
    self.principal[msg.sender] = new
    self.totalSupplyBase -= old - new
    self.lastAccrualTime = block.timestamp
    extcall IERC20(baseToken).transfer(msg.sender, wanted)
    log Withdraw(src=msg.sender, to=msg.sender, amount=wanted)


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
def _supply(dst: address, asset: address, amount: uint256):
    self._check(asset)
    if amount == max_value(uint256):
        return  # repays dst's borrow, and no one borrows here
    extcall IERC20(baseToken).transferFrom(msg.sender, self, amount)
    old: uint256 = self.principal[dst]
    new: uint256 = (self._present(old) + amount) * BASE_INDEX_SCALE // self.baseSupplyIndex
    self.principal[dst] = new
    self.totalSupplyBase += new - old
    self.lastAccrualTime = block.timestamp
    log Supply(sender=msg.sender, dst=dst, amount=amount)


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

# pragma version ~=0.4.3
"""
@title Devnet Aave V3-style Pool (one reserve)
@notice Same signatures and return layout as the Aave V3 Pool calls the adapter makes:
        supply, withdraw (max uint256 = full exit) and getReserveData (15-word
        ReserveDataLegacy). As in Aave, supplied USDC sits in the aToken and a withdrawal
        is paid from there, so the aToken's USDC is what can be withdrawn now; the owner
        lends it out (borrow/repay) to set the utilization. The liquidity index does not
        accrue with time: the owner sets it (setLiquidityIndex) so balances stay exact.
"""
from ethereum.ercs import IERC20

interface IAToken:
    def mint(user: address, amount: uint256, index: uint256) -> uint256: nonpayable
    def burn(user: address, receiver: address, amount: uint256, index: uint256) -> uint256: nonpayable
    def transferUnderlyingTo(target: address, amount: uint256): nonpayable
    def scaledBalanceOf(user: address) -> uint256: view

struct ReserveConfigurationMap:
    data: uint256

# aave-v3-origin DataTypes.ReserveDataLegacy: word order matters, the adapter reads by index.
struct ReserveDataLegacy:
    configuration: ReserveConfigurationMap
    liquidityIndex: uint128
    currentLiquidityRate: uint128
    variableBorrowIndex: uint128
    currentVariableBorrowRate: uint128
    currentStableBorrowRate: uint128
    lastUpdateTimestamp: uint40
    id: uint16
    aTokenAddress: address
    stableDebtTokenAddress: address
    variableDebtTokenAddress: address
    interestRateStrategyAddress: address
    accruedToTreasury: uint128
    unbacked: uint128
    isolationModeTotalDebt: uint128

event Supply:
    reserve: indexed(address)
    user: address
    onBehalfOf: indexed(address)
    amount: uint256
    referralCode: indexed(uint16)

event Withdraw:
    reserve: indexed(address)
    user: indexed(address)
    to: indexed(address)
    amount: uint256

RAY: constant(uint256) = 10 ** 27

owner: public(address)
asset: public(address)
aToken: public(address)
liquidityIndex: public(uint256)
currentLiquidityRate: public(uint256)
currentVariableBorrowRate: public(uint256)
lastUpdateTimestamp: public(uint256)
paused: public(bool)
totalBorrowed: public(uint256)  # USDC lent out of the aToken by the owner (utilization)
variableDebtToken: public(address)  # the read side of totalBorrowed (AaveDebtToken)
interestRateStrategy: public(address)  # AaveRateStrategy
reserveFactorBps: public(uint256)


@deploy
def __init__(asset: address):
    self.owner = msg.sender
    self.asset = asset
    self.liquidityIndex = RAY
    self.lastUpdateTimestamp = block.timestamp
    self.reserveFactorBps = 1000  # 10 %


@external
def initReserve(a_token: address):
    assert msg.sender == self.owner, "POOL: only owner"
    assert self.aToken == empty(address), "POOL: reserve already initialized"
    self.aToken = a_token


@external
def supply(asset: address, amount: uint256, onBehalfOf: address, referralCode: uint16):
    self._check_reserve(asset)
    assert amount != 0, "26"  # Aave Errors.INVALID_AMOUNT
    # SupplyLogic: the underlying goes to the aToken, not to the pool.
    extcall IERC20(asset).transferFrom(msg.sender, self.aToken, amount)
    extcall IAToken(self.aToken).mint(onBehalfOf, amount, self.liquidityIndex)
    log Supply(reserve=asset, user=msg.sender, onBehalfOf=onBehalfOf, amount=amount, referralCode=referralCode)


@external
def withdraw(asset: address, amount: uint256, to: address) -> uint256:
    self._check_reserve(asset)
    index: uint256 = self.liquidityIndex
    scaled: uint256 = staticcall IAToken(self.aToken).scaledBalanceOf(msg.sender)
    balance: uint256 = scaled * index // RAY
    amount_to_withdraw: uint256 = amount
    if amount == max_value(uint256):
        amount_to_withdraw = balance
    assert amount_to_withdraw != 0, "26"  # Errors.INVALID_AMOUNT
    assert amount_to_withdraw <= balance, "32"  # Errors.NOT_ENOUGH_AVAILABLE_USER_BALANCE
    # The aToken pays out of the USDC it holds (reverts when it is lent out).
    extcall IAToken(self.aToken).burn(msg.sender, to, amount_to_withdraw, index)
    log Withdraw(reserve=asset, user=msg.sender, to=to, amount=amount_to_withdraw)
    return amount_to_withdraw


@view
@external
def getReserveNormalizedIncome(asset: address) -> uint256:
    return self.liquidityIndex


@view
@external
def getReserveData(asset: address) -> ReserveDataLegacy:
    if asset != self.asset:
        return empty(ReserveDataLegacy)
    # decimals 6 in bits 48-55, active bit 56, paused bit 60, reserve factor (bps) in bits 64-79.
    config: uint256 = (6 << 48) | (1 << 56) | (self.reserveFactorBps << 64)
    if self.paused:
        config = config | (1 << 60)
    return ReserveDataLegacy(
        configuration=ReserveConfigurationMap(data=config),
        liquidityIndex=convert(self.liquidityIndex, uint128),
        currentLiquidityRate=convert(self.currentLiquidityRate, uint128),
        variableBorrowIndex=convert(RAY, uint128),
        currentVariableBorrowRate=convert(self.currentVariableBorrowRate, uint128),
        currentStableBorrowRate=0,
        lastUpdateTimestamp=convert(self.lastUpdateTimestamp, uint40),
        id=0,
        aTokenAddress=self.aToken,
        stableDebtTokenAddress=empty(address),
        variableDebtTokenAddress=self.variableDebtToken,
        interestRateStrategyAddress=self.interestRateStrategy,
        accruedToTreasury=0,
        unbacked=0,
        isolationModeTotalDebt=0,
    )


# --- devnet admin -------------------------------------------------------------------------

@external
def setLiquidityRate(rate_ray: uint256):
    assert msg.sender == self.owner, "POOL: only owner"
    self.currentLiquidityRate = rate_ray
    self.currentVariableBorrowRate = rate_ray * 5 // 4
    self.lastUpdateTimestamp = block.timestamp


@external
def setRateModel(debt_token: address, strategy: address):
    """@notice The reserve's variable debt token and interest rate strategy (getReserveData words 10, 11)."""
    assert msg.sender == self.owner, "POOL: only owner"
    self.variableDebtToken = debt_token
    self.interestRateStrategy = strategy


@external
def setLiquidityIndex(index_ray: uint256):
    assert msg.sender == self.owner, "POOL: only owner"
    assert index_ray >= self.liquidityIndex, "POOL: index cannot decrease"
    self.liquidityIndex = index_ray
    self.lastUpdateTimestamp = block.timestamp


@external
def setPaused(paused: bool):
    assert msg.sender == self.owner, "POOL: only owner"
    self.paused = paused


@external
def borrow(amount: uint256, to: address):
    """@notice A borrower takes `amount` of the aToken's USDC: less can be withdrawn."""
    assert msg.sender == self.owner, "POOL: only owner"
    extcall IAToken(self.aToken).transferUnderlyingTo(to, amount)
    self.totalBorrowed += amount


@external
def repay(amount: uint256):
    """@notice The owner pays `amount` USDC back into the aToken."""
    assert msg.sender == self.owner, "POOL: only owner"
    extcall IERC20(self.asset).transferFrom(msg.sender, self.aToken, amount)
    self.totalBorrowed -= amount


@internal
@view
def _check_reserve(asset: address):
    assert asset == self.asset, "POOL: reserve not listed"
    assert not self.paused, "29"  # Aave Errors.RESERVE_PAUSED

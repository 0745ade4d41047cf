# pragma version ~=0.4.3
"""
@title Devnet Moonwell/Compound-v2-style mToken (MErc20)
@notice mint / redeem / redeemUnderlying return a Compound error code instead of reverting
        and log Failure(error, info, detail) when they do. 8-decimal tokens; the exchange
        rate is underlying-per-mToken scaled by 1e18 (initial 0.02 => 2e14 for 6-dec USDC).
        Interest does not accrue with time: the owner sets the exchange rate and the
        per-second supply rate, so balances in tests stay exact. reserveFactorMantissa and
        interestRateModel (a JumpRateModel stand-in) describe the rate curve, for the rate
        after a deposit; they do not drive the supply rate. The owner lends cash out
        (borrowCash/repayCash) to set the utilization: getCash() is what can be redeemed.
"""
from ethereum.ercs import IERC20

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

# Compound's events: no indexed fields.
event Mint:
    minter: address
    mintAmount: uint256
    mintTokens: uint256

event Redeem:
    redeemer: address
    redeemAmount: uint256
    redeemTokens: uint256

event Failure:
    error: uint256
    info: uint256
    detail: uint256

EXP_SCALE: constant(uint256) = 10 ** 18

# Compound ErrorReporter.Error values used here.
NO_ERROR: constant(uint256) = 0
COMPTROLLER_REJECTION: constant(uint256) = 3
TOKEN_INSUFFICIENT_BALANCE: constant(uint256) = 13
TOKEN_INSUFFICIENT_CASH: constant(uint256) = 14
# FailureInfo values (Compound TokenErrorReporter).
MINT_COMPTROLLER_REJECTION: constant(uint256) = 39
REDEEM_COMPTROLLER_REJECTION: constant(uint256) = 47
REDEEM_TRANSFER_OUT_NOT_POSSIBLE: constant(uint256) = 51
REDEEM_NEW_ACCOUNT_BALANCE_CALCULATION_FAILED: constant(uint256) = 46

name: public(String[32])
symbol: public(String[16])
decimals: public(constant(uint8)) = 8
owner: public(address)
underlying: public(address)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
exchangeRateStored: public(uint256)
supplyRatePerTimestamp: public(uint256)
borrowRatePerTimestamp: public(uint256)
accrualBlockTimestamp: public(uint256)
failNextMintCode: public(uint256)
failNextRedeemCode: public(uint256)
paused: public(bool)
totalBorrows: public(uint256)
reserveFactorMantissa: public(uint256)
interestRateModel: public(address)  # a JumpRateModel stand-in (setInterestRateModel)


@deploy
def __init__(underlying: address, initial_exchange_rate: uint256):
    self.owner = msg.sender
    self.underlying = underlying
    self.name = "Moonwell Devnet USDC"
    self.symbol = "mDevUSDC"
    self.exchangeRateStored = initial_exchange_rate
    self.accrualBlockTimestamp = block.timestamp
    self.reserveFactorMantissa = 10 ** 17  # 10 %


@external
def exchangeRateCurrent() -> uint256:
    return self.exchangeRateStored


@external
def accrueInterest() -> uint256:
    self.accrualBlockTimestamp = block.timestamp
    return NO_ERROR


@external
def balanceOfUnderlying(owner: address) -> uint256:
    return self.balanceOf[owner] * self.exchangeRateStored // EXP_SCALE


@view
@external
def getCash() -> uint256:
    return staticcall IERC20(self.underlying).balanceOf(self)


@external
def mint(mintAmount: uint256) -> uint256:
    assert not self.paused, "mint is paused"
    if self.failNextMintCode != NO_ERROR:
        code: uint256 = self.failNextMintCode
        self.failNextMintCode = NO_ERROR
        return self._fail(code, MINT_COMPTROLLER_REJECTION, 0)
    tokens: uint256 = mintAmount * EXP_SCALE // self.exchangeRateStored
    extcall IERC20(self.underlying).transferFrom(msg.sender, self, mintAmount)
    self.totalSupply += tokens
    self.balanceOf[msg.sender] += tokens
    log Mint(minter=msg.sender, mintAmount=mintAmount, mintTokens=tokens)
    log Transfer(sender=self, receiver=msg.sender, value=tokens)
    return NO_ERROR


@external
def redeem(redeemTokens: uint256) -> uint256:
    amount: uint256 = redeemTokens * self.exchangeRateStored // EXP_SCALE
    return self._redeem(redeemTokens, amount)


@external
def redeemUnderlying(redeemAmount: uint256) -> uint256:
    rate: uint256 = self.exchangeRateStored
    tokens: uint256 = (redeemAmount * EXP_SCALE + rate - 1) // rate
    return self._redeem(tokens, redeemAmount)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    assert self.balanceOf[msg.sender] >= amount, "insufficient balance"
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=msg.sender, receiver=receiver, value=amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


# --- devnet admin -------------------------------------------------------------------------

@external
def setSupplyRatePerTimestamp(rate: uint256):
    assert msg.sender == self.owner, "only owner"
    self.supplyRatePerTimestamp = rate
    self.borrowRatePerTimestamp = rate * 5 // 4


@external
def setInterestRateModel(model: address):
    assert msg.sender == self.owner, "only owner"
    self.interestRateModel = model


@external
def setExchangeRate(rate: uint256):
    assert msg.sender == self.owner, "only owner"
    assert rate >= self.exchangeRateStored, "exchange rate cannot decrease"
    self.exchangeRateStored = rate
    self.accrualBlockTimestamp = block.timestamp


@external
def setFailNextMint(code: uint256):
    assert msg.sender == self.owner, "only owner"
    self.failNextMintCode = code


@external
def setFailNextRedeem(code: uint256):
    assert msg.sender == self.owner, "only owner"
    self.failNextRedeemCode = code


@external
def setPaused(paused: bool):
    assert msg.sender == self.owner, "only owner"
    self.paused = paused


@external
def borrowCash(amount: uint256, to: address):
    assert msg.sender == self.owner, "only owner"
    extcall IERC20(self.underlying).transfer(to, amount)
    self.totalBorrows += amount


@external
def repayCash(amount: uint256):
    assert msg.sender == self.owner, "only owner"
    extcall IERC20(self.underlying).transferFrom(msg.sender, self, amount)
    self.totalBorrows -= amount


@internal
def _redeem(tokens: uint256, amount: uint256) -> uint256:
    assert not self.paused, "redeem is paused"
    if self.failNextRedeemCode != NO_ERROR:
        code: uint256 = self.failNextRedeemCode
        self.failNextRedeemCode = NO_ERROR
        return self._fail(code, REDEEM_COMPTROLLER_REJECTION, 0)
    if tokens > self.balanceOf[msg.sender]:
        return self._fail(TOKEN_INSUFFICIENT_BALANCE, REDEEM_NEW_ACCOUNT_BALANCE_CALCULATION_FAILED, 0)
    if amount > staticcall IERC20(self.underlying).balanceOf(self):
        return self._fail(TOKEN_INSUFFICIENT_CASH, REDEEM_TRANSFER_OUT_NOT_POSSIBLE, 0)
    self.balanceOf[msg.sender] -= tokens
    self.totalSupply -= tokens
    extcall IERC20(self.underlying).transfer(msg.sender, amount)
    log Transfer(sender=msg.sender, receiver=self, value=tokens)
    log Redeem(redeemer=msg.sender, redeemAmount=amount, redeemTokens=tokens)
    return NO_ERROR


@internal
def _fail(error: uint256, info: uint256, detail: uint256) -> uint256:
    log Failure(error=error, info=info, detail=detail)
    return error

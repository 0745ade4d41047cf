# pragma version ~=0.4.3
"""
@title Devnet aToken
@notice Rebasing balance like Aave's: balanceOf = scaledBalance x pool index / RAY,
        in underlying units (6 decimals). Only the pool mints and burns. It holds the
        supplied USDC, as Aave's aToken does, and pays withdrawals out of it.
"""
from ethereum.ercs import IERC20

interface IPool:
    def getReserveNormalizedIncome(asset: address) -> uint256: view

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

RAY: constant(uint256) = 10 ** 27

name: public(String[32])
symbol: public(String[16])
decimals: public(constant(uint8)) = 6
POOL: public(address)
UNDERLYING_ASSET_ADDRESS: public(address)
scaledTotalSupply: public(uint256)
_scaled: HashMap[address, uint256]


@deploy
def __init__(pool: address, underlying: address):
    self.name = "Aave Devnet USDC"
    self.symbol = "aDevUSDC"
    self.POOL = pool
    self.UNDERLYING_ASSET_ADDRESS = underlying


@view
@external
def balanceOf(user: address) -> uint256:
    return self._scaled[user] * self._index() // RAY


@view
@external
def scaledBalanceOf(user: address) -> uint256:
    return self._scaled[user]


@view
@external
def totalSupply() -> uint256:
    return self.scaledTotalSupply * self._index() // RAY


@external
def mint(user: address, amount: uint256, index: uint256) -> uint256:
    assert msg.sender == self.POOL, "AToken: caller must be pool"
    scaled: uint256 = amount * RAY // index
    assert scaled != 0, "24"  # Errors.INVALID_MINT_AMOUNT
    self._scaled[user] += scaled
    self.scaledTotalSupply += scaled
    log Transfer(sender=empty(address), receiver=user, value=amount)
    return scaled


@external
def burn(user: address, receiver: address, amount: uint256, index: uint256) -> uint256:
    assert msg.sender == self.POOL, "AToken: caller must be pool"
    # Round the scaled amount up so a withdrawal never takes more than it burns,
    # but never burn more than the user holds (a full exit clears the balance exactly).
    scaled: uint256 = (amount * RAY + index - 1) // index
    held: uint256 = self._scaled[user]
    if scaled > held:
        scaled = held
    self._scaled[user] = held - scaled
    self.scaledTotalSupply -= scaled
    log Transfer(sender=user, receiver=empty(address), value=amount)
    extcall IERC20(self.UNDERLYING_ASSET_ADDRESS).transfer(receiver, amount)
    return scaled


@external
def transferUnderlyingTo(target: address, amount: uint256):
    assert msg.sender == self.POOL, "AToken: caller must be pool"
    extcall IERC20(self.UNDERLYING_ASSET_ADDRESS).transfer(target, amount)


@view
@internal
def _index() -> uint256:
    return staticcall IPool(self.POOL).getReserveNormalizedIncome(self.UNDERLYING_ASSET_ADDRESS)

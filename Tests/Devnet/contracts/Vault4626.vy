# pragma version ~=0.4.3
"""
@title Devnet ERC-4626 vault (MetaMorpho-like, or Fluid/Euler-like with offset 0)
@notice Shares of 6 + `decimals_offset` decimals over a 6-decimal asset (MetaMorpho: offset 12;
        an fToken or an Euler vault: offset 0), with virtual shares (10^offset) and one virtual
        asset as OpenZeppelin/MetaMorpho. totalAssets is the asset the vault holds (idle) plus what
        the owner allocated out of it (`allocate`, standing for Morpho Blue markets lent out),
        so anyone sending USDC to the vault (the owner's `accrue`) raises the share price.
        Only idle USDC can be withdrawn, as with MetaMorpho's markets' liquidity.
        The whole ERC-4626 and ERC-20 surface (mint, transferFrom beside deposit, transfer, approve),
        so the stolen-key suite attacks calls that would work if a role allowed them.
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

event Deposit:
    sender: indexed(address)
    owner: indexed(address)
    assets: uint256
    shares: uint256

event Withdraw:
    sender: indexed(address)
    receiver: indexed(address)
    owner: indexed(address)
    assets: uint256
    shares: uint256

VIRTUAL_SHARES: immutable(uint256)
VIRTUAL_ASSETS: constant(uint256) = 1

name: public(String[32])
symbol: public(String[16])
decimals: public(immutable(uint8))
owner: public(address)
asset: public(address)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
paused: public(bool)
withdrawLimit: public(uint256)  # caps maxWithdraw, like liquidity in the underlying markets
allocated: public(uint256)  # USDC lent out of the vault: counted in totalAssets, not withdrawable


@deploy
def __init__(asset: address, name_: String[32], symbol_: String[16], decimals_offset: uint8):
    self.owner = msg.sender
    self.asset = asset
    self.name = name_
    self.symbol = symbol_
    decimals = 6 + decimals_offset
    VIRTUAL_SHARES = 10 ** convert(decimals_offset, uint256)
    self.withdrawLimit = max_value(uint256)


@view
@external
def totalAssets() -> uint256:
    return self._total_assets()


@view
@external
def convertToShares(assets: uint256) -> uint256:
    return self._to_shares(assets, False)


@view
@external
def convertToAssets(shares: uint256) -> uint256:
    return self._to_assets(shares, False)


@view
@external
def previewDeposit(assets: uint256) -> uint256:
    return self._to_shares(assets, False)


@view
@external
def previewWithdraw(assets: uint256) -> uint256:
    return self._to_shares(assets, True)


@view
@external
def previewRedeem(shares: uint256) -> uint256:
    return self._to_assets(shares, False)


@view
@external
def maxDeposit(receiver: address) -> uint256:
    return max_value(uint256)


@view
@external
def previewMint(shares: uint256) -> uint256:
    return self._to_assets(shares, True)


@view
@external
def maxMint(receiver: address) -> uint256:
    return max_value(uint256)


@view
@external
def maxWithdraw(owner: address) -> uint256:
    return min(self._to_assets(self.balanceOf[owner], False), self._liquidity())


@view
@external
def maxRedeem(owner: address) -> uint256:
    return min(self.balanceOf[owner], self._to_shares(self._liquidity(), False))


@external
def deposit(assets: uint256, receiver: address) -> uint256:
    assert not self.paused, "vault: paused"
    shares: uint256 = self._to_shares(assets, False)
    assert shares != 0, "vault: zero shares"
    extcall IERC20(self.asset).transferFrom(msg.sender, self, assets)
    self._mint(receiver, shares)
    log Deposit(sender=msg.sender, owner=receiver, assets=assets, shares=shares)
    return shares


@external
def mint(shares: uint256, receiver: address) -> uint256:
    assert not self.paused, "vault: paused"
    assets: uint256 = self._to_assets(shares, True)
    assert shares != 0, "vault: zero shares"
    extcall IERC20(self.asset).transferFrom(msg.sender, self, assets)
    self._mint(receiver, shares)
    log Deposit(sender=msg.sender, owner=receiver, assets=assets, shares=shares)
    return assets


@external
def withdraw(assets: uint256, receiver: address, owner: address) -> uint256:
    assert not self.paused, "vault: paused"
    assert assets <= self._liquidity(), "vault: not enough liquidity"
    shares: uint256 = self._to_shares(assets, True)
    self._exit(shares, assets, receiver, owner)
    return shares


@external
def redeem(shares: uint256, receiver: address, owner: address) -> uint256:
    assert not self.paused, "vault: paused"
    assets: uint256 = self._to_assets(shares, False)
    assert assets <= self._liquidity(), "vault: not enough liquidity"
    self._exit(shares, assets, receiver, owner)
    return assets


@external
def transfer(receiver: address, amount: uint256) -> bool:
    assert self.balanceOf[msg.sender] >= amount, "vault: insufficient shares"
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=msg.sender, receiver=receiver, value=amount)
    return True


@external
def transferFrom(owner: address, receiver: address, amount: uint256) -> bool:
    allowed: uint256 = self.allowance[owner][msg.sender]
    assert allowed >= amount, "vault: insufficient allowance"
    if allowed != max_value(uint256):
        self.allowance[owner][msg.sender] = allowed - amount
    assert self.balanceOf[owner] >= amount, "vault: insufficient shares"
    self.balanceOf[owner] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=owner, receiver=receiver, value=amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


# --- devnet admin -------------------------------------------------------------------------

@external
def accrue(assets: uint256):
    """@notice Yield: the owner pays `assets` USDC into the vault, raising the share price."""
    assert msg.sender == self.owner, "vault: only owner"
    extcall IERC20(self.asset).transferFrom(msg.sender, self, assets)


@external
def setPaused(paused: bool):
    assert msg.sender == self.owner, "vault: only owner"
    self.paused = paused


@external
def setWithdrawLimit(limit: uint256):
    assert msg.sender == self.owner, "vault: only owner"
    self.withdrawLimit = limit


@external
def allocate(amount: uint256, to: address):
    """@notice `amount` of the idle USDC is lent out: still the vault's, no longer withdrawable."""
    assert msg.sender == self.owner, "vault: only owner"
    extcall IERC20(self.asset).transfer(to, amount)
    self.allocated += amount


@external
def reclaim(amount: uint256):
    """@notice The owner brings `amount` of the allocated USDC back to idle."""
    assert msg.sender == self.owner, "vault: only owner"
    extcall IERC20(self.asset).transferFrom(msg.sender, self, amount)
    self.allocated -= amount


@view
@internal
def _idle() -> uint256:
    return staticcall IERC20(self.asset).balanceOf(self)


@view
@internal
def _liquidity() -> uint256:
    return min(self._idle(), self.withdrawLimit)


@view
@internal
def _total_assets() -> uint256:
    return self._idle() + self.allocated


@view
@internal
def _to_shares(assets: uint256, round_up: bool) -> uint256:
    num: uint256 = assets * (self.totalSupply + VIRTUAL_SHARES)
    den: uint256 = self._total_assets() + VIRTUAL_ASSETS
    if round_up:
        return (num + den - 1) // den
    return num // den


@view
@internal
def _to_assets(shares: uint256, round_up: bool) -> uint256:
    num: uint256 = shares * (self._total_assets() + VIRTUAL_ASSETS)
    den: uint256 = self.totalSupply + VIRTUAL_SHARES
    if round_up:
        return (num + den - 1) // den
    return num // den


@internal
def _mint(receiver: address, shares: uint256):
    self.totalSupply += shares
    self.balanceOf[receiver] += shares
    log Transfer(sender=empty(address), receiver=receiver, value=shares)


@internal
def _exit(shares: uint256, assets: uint256, receiver: address, owner: address):
    if msg.sender != owner:
        allowed: uint256 = self.allowance[owner][msg.sender]
        assert allowed >= shares, "vault: insufficient allowance"
        if allowed != max_value(uint256):
            self.allowance[owner][msg.sender] = allowed - shares
    assert self.balanceOf[owner] >= shares, "vault: insufficient shares"
    self.balanceOf[owner] -= shares
    self.totalSupply -= shares
    log Transfer(sender=owner, receiver=empty(address), value=shares)
    extcall IERC20(self.asset).transfer(receiver, assets)
    log Withdraw(sender=msg.sender, receiver=receiver, owner=owner, assets=assets, shares=shares)

# pragma version ~=0.4.3
"""
@title Devnet Compound/Moonwell JumpRateModel
@notice The public parameters of Moonwell's JumpRateModel (per-second rates and the kink,
        1e18-scaled), set by the owner.
"""

owner: public(address)
baseRatePerTimestamp: public(uint256)
multiplierPerTimestamp: public(uint256)
jumpMultiplierPerTimestamp: public(uint256)
kink: public(uint256)


@deploy
def __init__(base_per_year: uint256, multiplier_per_year: uint256, jump_per_year: uint256, kink_: uint256):
    self.owner = msg.sender
    self._set(base_per_year, multiplier_per_year, jump_per_year, kink_)


@external
def setParameters(base_per_year: uint256, multiplier_per_year: uint256, jump_per_year: uint256, kink_: uint256):
    assert msg.sender == self.owner, "only owner"
    self._set(base_per_year, multiplier_per_year, jump_per_year, kink_)


@internal
def _set(base_per_year: uint256, multiplier_per_year: uint256, jump_per_year: uint256, kink_: uint256):
    # As the real model's constructor: yearly mantissas divided by 365 days of seconds.
    self.baseRatePerTimestamp = base_per_year // 31536000
    self.multiplierPerTimestamp = multiplier_per_year // 31536000
    self.jumpMultiplierPerTimestamp = jump_per_year // 31536000
    self.kink = kink_

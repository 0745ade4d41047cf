# pragma version ~=0.4.3
"""
@title Devnet Aave V3 variable debt token (read side)
@notice totalSupply() is what the pool stand-in has lent out (its totalBorrowed), as the real
        variable debt token's totalSupply is the reserve's total variable debt.
"""

interface IPool:
    def totalBorrowed() -> uint256: view

pool: public(address)
decimals: public(constant(uint8)) = 6


@deploy
def __init__(pool: address):
    self.pool = pool


@view
@external
def totalSupply() -> uint256:
    return staticcall IPool(self.pool).totalBorrowed()

# pragma version ~=0.4.3
"""
@title Devnet Aave V3 PoolAddressesProvider
@notice getPool() names the Pool, as Aave's registry does on Base, so a network can name the
        provider and let the engine read the Pool from it.
"""

pool: address


@deploy
def __init__(pool: address):
    self.pool = pool


@view
@external
def getPool() -> address:
    return self.pool

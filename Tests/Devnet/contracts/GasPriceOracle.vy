# pragma version ~=0.4.3
"""
@title Devnet stand-in for the OP-stack GasPriceOracle predeploy (0x42…0F)
@notice getL1Fee(bytes) of an unsigned transaction: (length + 68 signature bytes) × a settable
        fee per byte, so tests can check that L1 data fees reach quotes and receipts. The real
        one compresses the transaction and prices it by the L1 base and blob fees (Fjord).
"""

feePerByte: public(uint256)
owner: public(address)


@deploy
def __init__(fee_per_byte: uint256):
    self.owner = msg.sender
    self.feePerByte = fee_per_byte


@view
@external
def getL1Fee(data: Bytes[16384]) -> uint256:
    return (len(data) + 68) * self.feePerByte


@external
def setFeePerByte(fee_per_byte: uint256):
    assert msg.sender == self.owner, "oracle: only owner"
    self.feePerByte = fee_per_byte

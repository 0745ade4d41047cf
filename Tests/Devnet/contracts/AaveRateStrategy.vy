# pragma version ~=0.4.3
"""
@title Devnet Aave V3 interest rate strategy (DefaultReserveInterestRateStrategyV2)
@notice getInterestRateData(reserve) answers the InterestRateDataRay layout (four ray words:
        optimal usage, base variable borrow rate, slope 1, slope 2), set by the owner.
"""

struct InterestRateDataRay:
    optimalUsageRatio: uint256
    baseVariableBorrowRate: uint256
    variableRateSlope1: uint256
    variableRateSlope2: uint256

owner: public(address)
reserve: public(address)
data: InterestRateDataRay


@deploy
def __init__(reserve: address, optimal: uint256, base: uint256, slope1: uint256, slope2: uint256):
    self.owner = msg.sender
    self.reserve = reserve
    self.data = InterestRateDataRay(optimalUsageRatio=optimal, baseVariableBorrowRate=base, variableRateSlope1=slope1,
                                    variableRateSlope2=slope2)


@view
@external
def getInterestRateData(reserve: address) -> InterestRateDataRay:
    if reserve != self.reserve:
        return empty(InterestRateDataRay)
    return self.data


@external
def setInterestRateData(optimal: uint256, base: uint256, slope1: uint256, slope2: uint256):
    assert msg.sender == self.owner, "only owner"
    self.data = InterestRateDataRay(optimalUsageRatio=optimal, baseVariableBorrowRate=base, variableRateSlope1=slope1,
                                    variableRateSlope2=slope2)

# pragma version ~=0.4.3
"""
@title Devnet Chainlink-style aggregator (AggregatorV3Interface)
@notice The owner sets the answer and its timestamps, so tests can make the price
        stale (old updatedAt) or the round incomplete (answeredInRound < roundId).
"""

decimals: public(constant(uint8)) = 8
version: public(constant(uint256)) = 4
description: public(String[32])
owner: public(address)
roundId: uint80
answer: int256
startedAt: uint256
updatedAt: uint256
answeredInRound: uint80


@deploy
def __init__(initial_answer: int256):
    self.owner = msg.sender
    self.description = "ETH / USD"
    self.roundId = 1
    self.answer = initial_answer
    self.startedAt = block.timestamp
    self.updatedAt = block.timestamp
    self.answeredInRound = 1


@view
@external
def latestRoundData() -> (uint80, int256, uint256, uint256, uint80):
    return self.roundId, self.answer, self.startedAt, self.updatedAt, self.answeredInRound


@view
@external
def latestAnswer() -> int256:
    return self.answer


@external
def setAnswer(answer: int256, updated_at: uint256):
    """@notice A new complete round. updated_at = 0 means the current block time."""
    assert msg.sender == self.owner, "feed: only owner"
    ts: uint256 = updated_at
    if ts == 0:
        ts = block.timestamp
    self.roundId += 1
    self.answer = answer
    self.startedAt = ts
    self.updatedAt = ts
    self.answeredInRound = self.roundId


@external
def setRoundData(round_id: uint80, answer: int256, started_at: uint256, updated_at: uint256, answered_in_round: uint80):
    assert msg.sender == self.owner, "feed: only owner"
    self.roundId = round_id
    self.answer = answer
    self.startedAt = started_at
    self.updatedAt = updated_at
    self.answeredInRound = answered_in_round

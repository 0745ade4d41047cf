#!/usr/bin/env python3
"""Sign one transaction with eth-account, for tests that need a raw transaction before
the Swift signer exists. Input: one JSON object (argv[1]) with private_key, chain_id, nonce,
to, value, data, gas, max_fee_per_gas, max_priority_fee_per_gas (integers may be 0x strings);
with "legacy": true it signs an EIP-155 legacy transaction with gas_price instead.
Output: {"raw": "0x…", "hash": "0x…", "from": "0x…"}.
"""

import json
import sys

from eth_account import Account


def number(value: object) -> int:
    if isinstance(value, str):
        return int(value, 16) if value.startswith("0x") else int(value)
    return int(value)  # type: ignore[arg-type]


def main() -> None:
    spec = json.loads(sys.argv[1])
    tx = {
        "chainId": number(spec["chain_id"]),
        "nonce": number(spec["nonce"]),
        "to": spec["to"],
        "value": number(spec.get("value", 0)),
        "data": spec.get("data", "0x"),
        "gas": number(spec.get("gas", 21000)),
    }
    if spec.get("legacy"):
        tx["gasPrice"] = number(spec["gas_price"])
    else:
        tx["type"] = 2
        tx["maxFeePerGas"] = number(spec["max_fee_per_gas"])
        tx["maxPriorityFeePerGas"] = number(spec["max_priority_fee_per_gas"])
    signed = Account.sign_transaction(tx, spec["private_key"])
    print(json.dumps({
        "raw": "0x" + signed.raw_transaction.hex(),
        "hash": "0x" + signed.hash.hex(),
        "from": Account.from_key(spec["private_key"]).address,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference signer for the differential test of the Swift EVM module (Tests/EVMTests).

Reads a JSON array of transactions (one process for the whole batch), signs each one with
eth-account, and recovers the sender of the raw bytes the Swift side produced. Prints a JSON array
of {"raw", "hash", "from", "recovered"} in the same order. Integers travel as decimal strings
because values go up to 2**256 - 1.
"""
import json
import sys

from eth_account import Account


def transaction_dict(tx):
    fields = {
        "chainId": int(tx["chainId"]),
        "nonce": int(tx["nonce"]),
        "gas": int(tx["gas"]),
        "value": int(tx["value"]),
        "data": bytes.fromhex(tx["data"]),
    }
    if tx["to"] is not None:
        fields["to"] = tx["to"]
    if tx["kind"] == "legacy":
        fields["gasPrice"] = int(tx["gasPrice"])
    else:
        fields["type"] = 2
        fields["maxFeePerGas"] = int(tx["maxFeePerGas"])
        fields["maxPriorityFeePerGas"] = int(tx["maxPriorityFeePerGas"])
        fields["accessList"] = [
            {"address": entry["address"], "storageKeys": entry["storageKeys"]} for entry in tx["accessList"]
        ]
    return fields


def main():
    with open(sys.argv[1]) as f:
        transactions = json.load(f)
    results = []
    for tx in transactions:
        account = Account.from_key(bytes.fromhex(tx["key"]))
        signed = account.sign_transaction(transaction_dict(tx))
        results.append({
            "raw": signed.raw_transaction.hex().removeprefix("0x"),
            "hash": signed.hash.hex().removeprefix("0x"),
            "from": account.address,
            "recovered": Account.recover_transaction(bytes.fromhex(tx["swiftRaw"])),
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

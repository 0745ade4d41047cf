#!/usr/bin/env python3
"""Keystore interoperability check for Tests/EVMTests: eth-account decrypts the keystore Swift
wrote, and writes scrypt and PBKDF2 keystores for Swift to decrypt.

Input (argv[1]): {"keystore": <Swift keystore JSON>, "password": str, "key": hex}.
Output (stdout): {"decrypted": hex, "scrypt": <keystore>, "pbkdf2": <keystore>}.
"""
import json
import sys

from eth_account import Account


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    key = bytes.fromhex(request["key"])
    password = request["password"]
    print(json.dumps({
        "decrypted": Account.decrypt(request["keystore"], password).hex().removeprefix("0x"),
        "scrypt": Account.encrypt(key, password, kdf="scrypt", iterations=1 << 14),
        "pbkdf2": Account.encrypt(key, password, kdf="pbkdf2", iterations=10000),
    }))


if __name__ == "__main__":
    main()

// Chain module: JSON-RPC transport (RPC/), later the EthClient, adapters and network registry.

// EVM module
import CSecp256k1

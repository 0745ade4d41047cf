// Chain module
import CCurl

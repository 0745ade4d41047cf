print("mammon")

import multiprocessing

# Forked live servers reset websocket handshakes after async tests in the same process.
multiprocessing.set_start_method("spawn", force=True)

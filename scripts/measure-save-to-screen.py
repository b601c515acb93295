#!/usr/bin/env python3
"""Save-to-screen latency of a synthtune binary, as tests/tui_e2e.rs save_to_screen_latency
measures it, for any binary and with several tabs: the tuner in tmux (120x40, seed 42,
10,000 rows) with SYNTHTUNE_TIMING_LOG, the first schema saved SAVES times by atomic
rename, 400 ms apart; latency = the `drawn` line's time - the save's.

    python3 scripts/measure-save-to-screen.py target/release/synthtune 20 \
        schemas/order.json schemas/customer.json
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

# usage: BINARY SAVES SCHEMA [OTHER...]: SCHEMA (the first tab) is saved; the others are
# tabs beside it (the tables its foreign keys reference).
binary, saves, source, others = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
d = tempfile.mkdtemp()
schema = os.path.join(d, os.path.basename(source))
shutil.copy(source, schema)
for other in others:
    shutil.copy(other, d)
tabs = " ".join(f"'{os.path.join(d, os.path.basename(o))}'" for o in others)
log = os.path.join(d, "timing.log")
name = f"tuner-measure-{os.getpid()}"
subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", "sh", "-c",
                f"SYNTHTUNE_TIMING_LOG='{log}' '{binary}' --seed 42 '{schema}' {tabs}"], check=True)

def drawn():
    try:
        lines = open(log).read().split("\n")
    except FileNotFoundError:
        return []
    return [int(l.split()[0]) for l in lines if len(l.split()) > 1 and l.split()[1] == "drawn"]

deadline = time.time() + 30
while len(drawn()) < 1 + len(others):
    assert time.time() < deadline, "no first result"
    time.sleep(0.05)
text = open(schema).read()
latencies = []
for _ in range(saves):
    time.sleep(0.4)
    before = len(drawn())
    saved = time.time() * 1e6
    tmp = os.path.join(d, ".schema.tmp")
    open(tmp, "w").write(text)
    os.rename(tmp, schema)
    deadline = time.time() + 5
    while len(drawn()) <= before:
        assert time.time() < deadline, "no redraw"
        time.sleep(0.005)
    latencies.append((drawn()[before] - saved) / 1000)
screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout
assert "✗" not in screen and "reloaded" in screen, screen
subprocess.run(["tmux", "send-keys", "-t", name, "q"])
time.sleep(0.5)
subprocess.run(["tmux", "kill-session", "-t", name], stderr=subprocess.DEVNULL)
latencies.sort()
print(f"{os.path.basename(binary)} {os.path.basename(source)}: {len(latencies)} saves, "
      f"min {latencies[0]:.1f} ms, median {statistics.median(latencies):.1f} ms, max {latencies[-1]:.1f} ms")

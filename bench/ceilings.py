"""The ceilings (a bare Flask app under several gunicorn settings) and the peer (etcd 3.4)."""

from __future__ import annotations

import os

from bench import seed, tools, wrk
from bench.etcd import Etcd
from bench.table import CEILINGS, PEER

# gunicorn arguments of each ceiling but the first, which runs under the project's settings.
OTHER_SETTINGS = {
    CEILINGS[1]: ["-w", "2", "-k", "sync"],
    CEILINGS[2]: ["-w", "2", "-k", "gthread", "--threads", "4"],
    CEILINGS[3]: ["-w", "2", "-k", "gevent"],
}


def ceilings_and_peer(bench, gunicorn: str) -> None:
    """Measure the bare app returning the lookup's bytes, then etcd reading the same 20 values."""
    line = [wrk.request_line("GET", "/bare")]
    url = "sqlite:///" + str(bench.tmp / "unused.db")
    bare, base = bench.serve("bare-project", url, app="bench.bare_app:app")
    bench.measure(CEILINGS[0], "none", base, line)
    bench.processes.stop(bare)
    env = {"PATH": os.environ["PATH"], "BENCH_BODY": str(bench.tmp / "body.json")}
    empty = bench.tmp / "empty.conf.py"  # else gunicorn reads ./gunicorn.conf.py
    empty.write_text("")
    for case, settings in OTHER_SETTINGS.items():
        port = tools.free_port()
        argv = [gunicorn, "-c", str(empty), *settings, "-b", f"127.0.0.1:{port}"]
        process = bench.processes.start(case, [*argv, "bench.bare_app:app"], env)
        bench.processes.wait_ready(process, f"http://127.0.0.1:{port}/bare")
        bench.measure(case, "none", f"http://127.0.0.1:{port}", line)
        bench.processes.stop(process)
    etcd = Etcd(bench.processes, bench.tmp / "etcd").start()
    try:
        values = {f"param{k:02d}": f"value-0-{k}-" + "x" * (k * 3) for k in range(seed.CONFIGS)}
        prefix = "/tenant-config/ARIBA2_OSERIES/pt-0000000/"
        etcd.put(prefix, values)
        if etcd.count(prefix) != seed.CONFIGS:
            raise RuntimeError("etcd's range read did not answer 20 keys")
        bench.measure(PEER, "etcd", etcd.url, [etcd.range_line(prefix)], note="20 kvs")
    finally:
        etcd.stop()

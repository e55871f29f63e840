#!/usr/bin/env python3
"""End-to-end test of the BITS clients (examples/windows/bitsget.c and its Rust twin) against
Wine's BITS service (qmgr), as `make windows-test` runs it:

    bits_e2e.py NAME=PROGRAM.exe [NAME=PROGRAM.exe ...]

It serves generated files of known sizes from a loopback HTTP server (127.0.0.1, a free port),
runs each client under Wine (c-tests/windows/wine/run) with --trace, and checks:
- the client exits 0 (it checks every sample with bg_job_progress_validate itself);
- every traced sample is valid again here: bytes <= a known total, files <= files total;
- per file and in sum, bytes and completed files never go backwards;
- at least one sample was taken mid-transfer (some bytes in, not all);
- each file's final BytesTotal and BytesTransferred equal the served size, byte for byte;
- each downloaded file equals its source.
Set BGT_E2E_TRUNCATE=NAME to truncate that served file after its size was recorded: a check
of this test itself, which must then fail.

    bits_e2e.py --watcher BGPROGRESS.exe --display "JOB DISPLAY NAME" NAME=PROGRAM.exe

serves the files slowly and, while the client's BITS job is in progress, runs the bgprogress
command under Wine: `list --json` must show the job (source "bits", named bits:DISPLAY NAME)
mid-transfer with valid figures, and `watch bits:DISPLAY NAME` must follow it to its end,
exiting 0 when its last line is a transferred state and 1 otherwise (BITS drops a job once
its owner completes it, so a watcher may miss the TRANSFERRED state).

Wine's BITS service can deadlock when two processes use it at once (seen with Wine 8.0: in
the service, a thread releasing a client's last reference to an interface holds combase's
interface-registration lock while RpcServerUnregisterIf waits for that interface's calls to
end, and a call on it waits for the lock to marshal the interface it returns). The watcher
then says "BITS: no answer" and the client hangs; this test says so, ends the Wine session
and runs the client and the watcher again, up to five times in all (on a loaded machine two
deadlocks in a row have been seen). A client alone has met it too: one whose trace, once
begun, gains nothing for 20 s is taken for a deadlock the same way. A fifth deadlock fails
the test. Set BGT_E2E_DEADLOCK=N to take the first N watches for deadlocks: a check of that
path (4 must pass, 5 must fail).
"""
import json
import http.server
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "wine", "run")
# The prefix that RUN uses, for ending its Wine session.
PREFIX = os.environ.get("WINEPREFIX", os.path.join(HERE, "..", "..", "build", "windows-test", "wineprefix"))
UNKNOWN = 2**64 - 1
# One file of tens of MB so that progress is seen mid-transfer, and small ones.
FILES = {"large.bin": 48 * 1024 * 1024, "medium.bin": 3 * 1024 * 1024 + 17, "small.bin": 12345}


def windows_path(path):
    return "Z:" + os.path.abspath(path).replace("/", "\\")


class Quiet(http.server.SimpleHTTPRequestHandler):
    slow = False

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        if not self.slow:
            return super().copyfile(source, outputfile)
        # About 2 MB/s: the large file takes tens of seconds, long enough to watch even when
        # each Wine process takes seconds to start.
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            time.sleep(0.03)


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that ended mid-download (a Wine session ended after a deadlock) is no error
        # of the server's.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def serve(root):
    handler = lambda *a, **k: Quiet(*a, directory=root, **k)  # noqa: E731
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def parse_trace(path):
    samples, files = [], {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            words = line.split()
            if words and words[0] == "sample":
                nums = [int(w) for w in words[3:]]
                per_file = [tuple(nums[i : i + 3]) for i in range(4, len(nums), 3)]
                samples.append((words[2], tuple(nums[:4]), per_file))
            elif words and words[0] == "file":
                files[words[1].rsplit("/", 1)[-1]] = tuple(int(w) for w in words[2:5])
    return samples, files


def check_samples(samples):
    """Problems found in the traced samples, and the count of mid-transfer samples."""
    problems, mid = [], 0
    last_files, last_sum = None, (0, 0)
    for n, (state, job, per_file) in enumerate(samples, 1):
        total, done, files_total, files_done = job
        if total != UNKNOWN and done > total:
            problems.append(f"sample {n}: job BytesTransferred {done} > BytesTotal {total}")
        if files_done > files_total:
            problems.append(f"sample {n}: job FilesTransferred {files_done} > {files_total}")
        for i, (ft, fd, fc) in enumerate(per_file):
            if ft != UNKNOWN and fd > ft:
                problems.append(f"sample {n}: file {i}: {fd} > {ft} bytes")
            if last_files is not None and i < len(last_files):
                lt, ld, lc = last_files[i]
                if fd < ld or fc < lc:
                    problems.append(f"sample {n}: file {i} went backwards: {last_files[i]} -> {per_file[i]}")
        sum_done = sum(fd for _, fd, _ in per_file)
        sum_completed = sum(fc for _, _, fc in per_file)
        if sum_done < last_sum[0] or sum_completed < last_sum[1]:
            problems.append(f"sample {n}: the sum went backwards: {last_sum} -> {(sum_done, sum_completed)}")
        known = all(ft != UNKNOWN for ft, _, _ in per_file)
        sum_total = sum(ft for ft, _, _ in per_file) if known else None
        if sum_done > 0 and (sum_total is None or sum_done < sum_total):
            mid += 1
        last_files, last_sum = per_file, (sum_done, sum_completed)
    return problems, mid


FAKE_DEADLOCKS = int(os.environ.get("BGT_E2E_DEADLOCK", "0"))
ATTEMPTS = 5


class WineDeadlock(Exception):
    """Wine's BITS service stopped answering (see the module's doc)."""


def no_answer(out):
    return "BITS: no answer within" in (out.stderr or "")


def watch_job(watcher, display, proc, trace):
    """While the client `proc` runs, the bgprogress command's view of its BITS job; returns a
    list of problems."""
    name = "bits:" + display
    # Not before the client has its job going: a second process that asks COM for the BITS
    # service while the client's request is starting it has been given a second, empty
    # service under Wine.
    deadline = time.time() + 60
    while proc.poll() is None and time.time() < deadline:
        if os.path.exists(trace) and "sample" in open(trace, errors="replace").read():
            break
        time.sleep(0.1)
    seen = out = None
    looks = 0
    deadline = time.time() + 120
    while seen is None and proc.poll() is None and time.time() < deadline:
        out = subprocess.run([RUN, watcher, "list", "--json", "--sample", "0.3"],
                             capture_output=True, text=True, timeout=60)
        looks += 1
        if no_answer(out):
            raise WineDeadlock(f"list --json: {out.stderr.strip()}")
        for line in out.stdout.splitlines():
            j = json.loads(line)
            if j["name"] == name and j["state_name"] == "TRANSFERRING" and j["bytes_transferred"] > 0 \
                    and (j["bytes_total"] is None or j["bytes_transferred"] < j["bytes_total"]):
                seen = j
    if seen is None:
        last = "" if out is None else f": the last (status {out.returncode}): {out.stdout!r} {out.stderr!r}"
        return [f"bgprogress list --json never showed {name!r} mid-transfer in {looks} looks{last}"]
    problems = []
    if seen["source"] != "bits" or seen["pid"] is not None or seen["stale"]:
        problems.append(f"list --json: not a BITS job: {seen}")
    if seen["files_transferred"] > seen["files_total"] or seen["files_total"] != len(FILES):
        problems.append(f"list --json: files {seen['files_transferred']} of {seen['files_total']}")
    print(f"bits-e2e: bgprogress list --json: {name!r} at {seen['bytes_transferred']} of "
          f"{seen['bytes_total']} bytes, {seen['files_transferred']} of {seen['files_total']} files")
    # --wait: Wine's EnumJobs has been seen to miss a job that the previous call listed.
    # The watcher gives BITS 20 s per look, so it ends within that of the client's end (the
    # client gives up after 150 s); if it does not, what it printed is the report.
    cmd = [RUN, watcher, "watch", "--wait", "20", "--interval", "0.2", name]
    try:
        w = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired as e:
        said = [x.decode(errors="replace") if isinstance(x, bytes) else (x or "") for x in (e.stdout, e.stderr)]
        return problems + [f"bgprogress watch did not end in 240 s (client status {proc.poll()}); "
                           f"its last lines: {said[0].splitlines()[-3:]!r}, stderr: {said[1][-800:]!r}"]
    global FAKE_DEADLOCKS
    if FAKE_DEADLOCKS > 0:
        FAKE_DEADLOCKS -= 1
        raise WineDeadlock("BGT_E2E_DEADLOCK: a deadlock taken for a check of this test")
    if no_answer(w) and proc.poll() is None:
        raise WineDeadlock(f"watch: {w.stderr.strip()}")
    lines = [l for l in w.stdout.splitlines() if l.startswith(name)]
    if not lines:
        return problems + [f"bgprogress watch printed no line: {w.stdout!r} {w.stderr!r}"]
    ended_well = any(s in lines[-1] for s in ("TRANSFERRED", "ACKNOWLEDGED"))
    if w.returncode != (0 if ended_well else 1):
        problems.append(f"bgprogress watch: status {w.returncode} after {lines[-1]!r}: {w.stderr.strip()}")
    why = f", stderr {w.stderr.strip()[-300:]!r}" if w.stderr.strip() else ""
    print(f"bits-e2e: bgprogress watch: {len(lines)} lines, the last {lines[-1].strip()!r}, status {w.returncode}{why}")
    return problems


def run_watching_trace(cmd, trace, work, stall=20, limit=240):
    """Runs a client alone; WineDeadlock when its trace, once begun, gains nothing for `stall`
    seconds (it samples every 100 ms: a single client has met the deadlock too)."""
    with open(os.path.join(work, "out"), "w+") as out, open(os.path.join(work, "err"), "w+") as err:
        client = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        try:
            size, since, start = 0, time.time(), time.time()
            while client.poll() is None:
                now = time.time()
                grown = os.path.getsize(trace) if os.path.exists(trace) else 0
                if grown != size:
                    size, since = grown, now
                elif size > 0 and now - since > stall:
                    raise WineDeadlock(f"the client's trace gained nothing for {stall} s")
                if now - start > limit:
                    raise subprocess.TimeoutExpired(cmd, limit)
                time.sleep(0.2)
        finally:
            client.kill()
            client.wait()
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(cmd, client.returncode, out.read(), err.read())


def run_client(name, program, src, url, sizes, watcher=None, display=None):
    """Runs one client; returns a list of problems (empty when it passed)."""
    work = tempfile.mkdtemp(prefix=f"bits-e2e-{name}.", dir=os.environ.get("TMPDIR", "/tmp"))
    try:
        dest, trace = os.path.join(work, "dest"), os.path.join(work, "trace.txt")
        os.mkdir(dest)
        urls = [f"{url}/{n}" for n in sorted(sizes)]
        cmd = [RUN, program, "--trace", windows_path(trace), "--timeout", "150", windows_path(dest)] + urls
        problems = []
        if watcher:
            client = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                problems += watch_job(watcher, display, client, trace)
                stdout, stderr = client.communicate(timeout=240)
            finally:
                client.kill()
            proc = subprocess.CompletedProcess(cmd, client.returncode, stdout, stderr)
        else:
            proc = run_watching_trace(cmd, trace, work)
        sys.stdout.write("".join(f"  {name}: {l}\n" for l in proc.stdout.splitlines()[-3:]))
        if proc.returncode != 0:
            problems.append(f"exit status {proc.returncode}; stderr: {proc.stderr.strip()[-800:]}")
        if not os.path.exists(trace):
            return problems + ["no trace was written"]
        samples, final = parse_trace(trace)
        found, mid = check_samples(samples)
        problems += found
        if mid == 0:
            problems.append(f"no mid-transfer sample among {len(samples)}")
        for n, size in sorted(sizes.items()):
            if final.get(n) != (size, size, 1):
                problems.append(f"{n}: final (BytesTotal, BytesTransferred, Completed) {final.get(n)}, served {size} bytes")
            path = os.path.join(dest, n)
            with open(os.path.join(src, n), "rb") as a:
                same = os.path.exists(path) and open(path, "rb").read() == a.read()
            if not same:
                problems.append(f"{n}: the download differs from the source")
        total = sum(sizes.values())
        print(f"bits-e2e: {name}: {len(sizes)} files, {total} bytes, {len(samples)} samples, {mid} mid-transfer")
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    args = sys.argv[1:]
    watcher = display = None
    while args[:1] in (["--watcher"], ["--display"]) and len(args) >= 2:
        if args[0] == "--watcher":
            watcher = args[1]
        else:
            display = args[1]
        args = args[2:]
    if (watcher is None) != (display is None):
        print(__doc__, file=sys.stderr)
        return 2
    Quiet.slow = watcher is not None
    clients = [a.split("=", 1) for a in args]
    if not clients or any(len(c) != 2 for c in clients):
        print(__doc__, file=sys.stderr)
        return 2
    src = tempfile.mkdtemp(prefix="bits-e2e-src.", dir=os.environ.get("TMPDIR", "/tmp"))
    server = None
    try:
        rng = random.Random(20261129)
        sizes = {}
        for n, size in FILES.items():
            with open(os.path.join(src, n), "wb") as f:
                f.write(rng.randbytes(size))
            sizes[n] = os.path.getsize(os.path.join(src, n))
        victim = os.environ.get("BGT_E2E_TRUNCATE")
        if victim:
            with open(os.path.join(src, victim), "r+b") as f:
                f.truncate(sizes[victim] // 2)
            print(f"bits-e2e: {victim} truncated after its size was recorded (a check of this test)")
        server = serve(src)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        print(f"bits-e2e: serving {len(sizes)} files ({sum(sizes.values())} bytes) at {url}")
        passed = failed = 0
        for name, program in clients:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    problems = run_client(name, program, src, url, sizes, watcher, display)
                    break
                except WineDeadlock as e:
                    print(f"bits-e2e: {name}: Wine's BITS service stopped answering ({e}); "
                          f"{'a new Wine session, once more' if attempt < ATTEMPTS else f'{ATTEMPTS} times: failed'}")
                    subprocess.run(["wineserver", "-k"], capture_output=True,
                                   env={**os.environ, "WINEPREFIX": os.path.abspath(PREFIX)})
                    problems = [f"Wine's BITS service deadlocked {ATTEMPTS} times: {e}"]
            for p in problems:
                print(f"bits-e2e: {name}: FAILED: {p}")
            print(f"bits-e2e: {name}: {'ok' if not problems else 'FAILED'}")
            passed, failed = passed + (not problems), failed + bool(problems)
        print(f"bits-e2e: {passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(src, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

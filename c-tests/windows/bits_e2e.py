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
"""
import http.server
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "wine", "run")
UNKNOWN = 2**64 - 1
# One file of tens of MB so that progress is seen mid-transfer, and small ones.
FILES = {"large.bin": 48 * 1024 * 1024, "medium.bin": 3 * 1024 * 1024 + 17, "small.bin": 12345}


def windows_path(path):
    return "Z:" + os.path.abspath(path).replace("/", "\\")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    handler = lambda *a, **k: Quiet(*a, directory=root, **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
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


def run_client(name, program, src, url, sizes):
    """Runs one client; returns a list of problems (empty when it passed)."""
    work = tempfile.mkdtemp(prefix=f"bits-e2e-{name}.", dir=os.environ.get("TMPDIR", "/tmp"))
    try:
        dest, trace = os.path.join(work, "dest"), os.path.join(work, "trace.txt")
        os.mkdir(dest)
        urls = [f"{url}/{n}" for n in sorted(sizes)]
        cmd = [RUN, program, "--trace", windows_path(trace), "--timeout", "150", windows_path(dest)] + urls
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
        sys.stdout.write("".join(f"  {name}: {l}\n" for l in proc.stdout.splitlines()[-3:]))
        problems = []
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
    clients = [a.split("=", 1) for a in sys.argv[1:]]
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
            problems = run_client(name, program, src, url, sizes)
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

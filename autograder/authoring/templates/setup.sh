#!/usr/bin/env bash
# Gradescope: builds the autograder image (runs once, as root, from /autograder/source).
set -euo pipefail
cd "$(dirname "$0")"
apt-get update && apt-get install -y python3 python3-pip python3-venv bubblewrap
python3 -m venv ../venv  # newer Ubuntus refuse pip installs into the system Python
../venv/bin/python -m pip install -r requirements.txt
../venv/bin/python -m autograder data fetch --data-dir "$PWD/mnist"

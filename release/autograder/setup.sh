#!/usr/bin/env bash
# Gradescope: builds the autograder image (runs once, as root, in /autograder/source).
set -euo pipefail
cd "$(dirname "$0")"
apt-get update && apt-get install -y python3 python3-pip bubblewrap
python3 -m pip install -r requirements.txt
python3 -m autograder data fetch --data-dir "$PWD/mnist"

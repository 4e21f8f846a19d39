"""The student kit: MNIST data layer, training loop, plots and the assignment text.

Everything here is given to students; they write only network.py.
"""

"""The instructor's reference: the complete numpy network, the Keras model, the derivation."""

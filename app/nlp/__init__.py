"""Comment understanding: normalisation, classification, training and evaluation."""

"""The training-side SDK: validate, append to the write-ahead log, fold in the background."""

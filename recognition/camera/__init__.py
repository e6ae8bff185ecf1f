"""The door camera service: capture, detect, encode, match, liveness gate, k-of-n vote, debounce, outbox."""

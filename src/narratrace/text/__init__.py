"""The text kernel: helpers every role shares (direction controls, and more to come)."""

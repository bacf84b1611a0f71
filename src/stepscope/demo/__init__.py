"""Runnable demos: a real numpy RL fine-tuning loop and a replica of the reference dashboard."""

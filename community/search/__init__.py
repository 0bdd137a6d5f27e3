"""Search: one analyser for Kazakh and Russian in both scripts (analyser.py); the index and /search follow."""

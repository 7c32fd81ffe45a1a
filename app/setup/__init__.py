"""Demo data, the self-test and what the program is (version, notices)."""

"""The audit log: every administrative act, written in the same transaction as the act."""

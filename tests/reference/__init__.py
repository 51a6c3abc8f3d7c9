"""Conformance tests: the unmodified reference driver against our test server."""

"""Test suite package (lets acceptance tests import tests.conftest)."""

"""Unit tests that need neither the native module nor a server."""

"""Helpers shared across the test tree (imported as tests.helpers.*), instead of importing conftests."""

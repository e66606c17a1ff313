"""The stand-in Images API's own tests, one module per concern of
tests/fake_api/; tests/test_fake_api.py runs them all."""

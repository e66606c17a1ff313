#!/usr/bin/python3
"""Self-test of the stand-in Images API (tests/fake_api/).

Run:  /usr/bin/python3 tests/test_fake_api.py [-v]

Plain HTTP (http.client) against FakeApi on 127.0.0.1, multipart bodies
built by hand.  Set FAKE_API_TIMINGS=1 to print the echo round-trip times.
The tests are in tests/fake_api_tests/, a module for each concern of the
stand-in; this runner gathers their classes, so a class or test can still
be named on the command line (EchoTest, StreamTest.test_streamerror)."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fake_api_tests.test_describe import DescribeTest  # noqa: E402
from fake_api_tests.test_echo import EchoTest  # noqa: E402
from fake_api_tests.test_input_images import ImagesTest  # noqa: E402
from fake_api_tests.test_models import ModelsTest  # noqa: E402
from fake_api_tests.test_rules import RulesTest  # noqa: E402
from fake_api_tests.test_scenarios import ScenarioTest  # noqa: E402
from fake_api_tests.test_streams import StreamTest  # noqa: E402

__all__ = ["DescribeTest", "EchoTest", "ImagesTest", "ModelsTest", "RulesTest",
           "ScenarioTest", "StreamTest"]


def tap_name(test):
    """Class.test_name, whichever module the class is in."""
    return ".".join(test.id().rsplit(".", 2)[-2:])


class TapResult(unittest.TextTestResult):
    """One TAP line per test, so tests/run-all.sh counts them."""

    def addSuccess(self, test):
        super().addSuccess(test)
        print("ok - fake-api: %s" % tap_name(test), flush=True)

    def _fail(self, test, err):
        print("not ok - fake-api: %s" % tap_name(test), flush=True)
        for line in self._exc_info_to_string(err, test).splitlines()[-15:]:
            print("#   " + line)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)


if __name__ == "__main__":
    if "--tap" in sys.argv:
        sys.argv.remove("--tap")
        unittest.main(testRunner=unittest.TextTestRunner(resultclass=TapResult,
                                                         stream=open(os.devnull, "w")))
    else:
        unittest.main()

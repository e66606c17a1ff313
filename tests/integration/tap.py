"""A tiny TAP reporter: ok / not ok lines and a plain closing count."""

import sys


class Tap:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, condition, description, detail=""):
        number = self.passed + self.failed + 1
        if condition:
            self.passed += 1
            print("ok %d - %s: %s" % (number, self.name, description))
        else:
            self.failed += 1
            print("not ok %d - %s: %s" % (number, self.name, description))
            if detail:
                for line in str(detail).splitlines()[:30]:
                    print("#   " + line)
        sys.stdout.flush()
        return condition

    def equal(self, got, want, description):
        return self.check(got == want, description, "got %r, want %r" % (got, want))

    def finish(self):
        print("1..%d" % (self.passed + self.failed))
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 0 if self.failed == 0 else 1

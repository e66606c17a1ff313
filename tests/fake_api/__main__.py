"""python3 tests/fake_api [--port N] ...: the stand-in as a program, run by
path or as python3 -m fake_api (see cli.main)."""

import os
import sys

if not __package__:
    # Run by path, sys.path[0] is this package's own directory; `import
    # fake_api` needs its parent there instead.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from fake_api.cli import main  # noqa: E402

sys.exit(main())

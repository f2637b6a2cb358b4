"""Child processes of the test suite run on the test's clock: the suite puts this folder on their
``PYTHONPATH`` and the offset of the running test in ``KUPANG_DESK_TEST_CLOCK_OFFSET``."""

import os

_offset = os.environ.get("KUPANG_DESK_TEST_CLOCK_OFFSET")
if _offset:
    try:
        from kupang_desk import clock
    except ImportError:  # another Python (LibreOffice's) that has no Kupang Desk
        pass
    else:
        clock.set_offset(float(_offset))

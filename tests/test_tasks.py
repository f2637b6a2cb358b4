"""Long work: the cycle collector paused around a bulk import, and given back as it was."""

from __future__ import annotations

import gc

import pytest

from kupang_desk.tasks import without_automatic_collection


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def test_the_collector_is_paused_inside_and_given_back_after_a_failure(collector):
    seen = []

    @without_automatic_collection
    def work(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("stop")

    gc.enable()
    work(False)
    with pytest.raises(ValueError):
        work(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()  # the window: its own collector runs on the GUI thread, and stays in charge
    work(False)
    assert not gc.isenabled()


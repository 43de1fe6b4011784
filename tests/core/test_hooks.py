"""Capabilities plug into the registry through hooks registered at start-up, not dotted strings."""

from __future__ import annotations

from types import SimpleNamespace

from zhaoshang.core import hooks


def test_the_apps_register_their_import_hook_and_profile_section_at_start_up():
    from zhaoshang.pipeline.services import create_new_registration_tasks

    assert create_new_registration_tasks in hooks._after_import
    assert "positions" in [s.name for s in hooks.profile_sections()]


def test_a_failing_hook_neither_stops_the_others_nor_reaches_the_import(caplog):
    calls = []

    def broken(batch, *, actor):
        raise RuntimeError("boom")

    def fine(batch, *, actor):
        calls.append((batch.pk, actor))

    saved = list(hooks._after_import)
    try:
        hooks._after_import[:] = [broken, fine]
        hooks.run_after_import(SimpleNamespace(pk=7), actor="someone")
    finally:
        hooks._after_import[:] = saved
    assert calls == [(7, "someone")]
    assert "post-import hook" in caplog.text

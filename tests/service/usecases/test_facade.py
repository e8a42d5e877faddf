"""The use-case facade loads its names on first use; none may share a name with a submodule
(importing `usecases.x` would otherwise replace the facade's `x` by the module)."""

import importlib
import pkgutil

from offduty.service import usecases


def test_no_facade_name_is_also_a_submodule() -> None:
    submodules = {m.name for m in pkgutil.iter_modules(usecases.__path__)}
    assert not submodules & set(usecases.__all__)


def test_every_facade_name_resolves() -> None:
    for name in usecases.__all__:
        assert getattr(usecases, name) is not None
        module = importlib.import_module("offduty.service.usecases")
        assert getattr(module, name) is getattr(usecases, name)

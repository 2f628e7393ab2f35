"""FX105 unittest-removed-aliases: the `TestCase` method aliases that Python 3.12 removed."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.names import qualified_names
from finfix.sdk.rule import Example, Rule, Safety, Versions

#: removed in Python 3.12 (deprecated since 3.2 or earlier): alias -> the method it stood for
ALIASES = {
    "failUnlessEqual": "assertEqual",
    "assertEquals": "assertEqual",
    "failIfEqual": "assertNotEqual",
    "assertNotEquals": "assertNotEqual",
    "failUnlessAlmostEqual": "assertAlmostEqual",
    "assertAlmostEquals": "assertAlmostEqual",
    "failIfAlmostEqual": "assertNotAlmostEqual",
    "assertNotAlmostEquals": "assertNotAlmostEqual",
    "failUnless": "assertTrue",
    "assert_": "assertTrue",
    "failUnlessRaises": "assertRaises",
    "failIf": "assertFalse",
    "assertRaisesRegexp": "assertRaisesRegex",
    "assertRegexpMatches": "assertRegex",
    "assertNotRegexpMatches": "assertNotRegex",
}
#: removed in 3.12 with no one-to-one replacement
NO_REPLACEMENT = {
    "assertDictContainsSubset": "use `self.assertLessEqual(subset.items(), actual.items())`",
}
UNITTEST_BASES = frozenset({
    "unittest.TestCase", "unittest.case.TestCase", "unittest.IsolatedAsyncioTestCase",
    "unittest.async_case.IsolatedAsyncioTestCase",
})
UNPROVEN_BASE = ("the class's base is not shown to be `unittest.TestCase`, and a base of its own could define "
                 "the old name differently")


class UnittestRemovedAliases(Rule):
    """## What it does
    Renames the `unittest.TestCase` method aliases removed in Python 3.12: `self.assertEquals(...)` →
    `self.assertEqual(...)`, `assertNotEquals` → `assertNotEqual`, `assertAlmostEquals` →
    `assertAlmostEqual`, `failUnless`/`assert_` → `assertTrue`, `failIf` → `assertFalse`,
    `failUnlessRaises` → `assertRaises`, `assertRaisesRegexp` → `assertRaisesRegex`,
    `assertRegexpMatches` → `assertRegex`, `assertNotRegexpMatches` → `assertNotRegex`, and the
    `failUnless…`/`failIf…` spellings of the equality checks. `assertDictContainsSubset`, removed with no
    replacement, is reported.

    ## Why is this bad?
    On Python 3.12 and newer these names no longer exist: the test fails with `AttributeError` before
    it checks anything. (Deprecated since Python 3.2; removed in 3.12, gh-89325.)

    ## Example
    ```python
    class TestPrices(unittest.TestCase):
        def test_close(self):
            self.assertEquals(close(bars), 101.5)
    ```
    Use instead:
    ```python
    class TestPrices(unittest.TestCase):
        def test_close(self):
            self.assertEqual(close(bars), 101.5)
    ```

    ## Fix safety
    Safe when the call is `self.<alias>(...)` in a method of a class whose bases include
    `unittest.TestCase` (or `IsolatedAsyncioTestCase`) and the class does not define the alias itself:
    on every Python that had the alias it was the same function object as the new name. Unsafe when a
    base is another class (a project's own test base, Django's `TestCase`): that base could define the
    old name differently. Calls on other receivers are left alone.
    """

    code = "FX105"
    name = "unittest-removed-aliases"
    summary = "TestCase aliases such as assertEquals were removed in Python 3.12."
    safety = Safety.SAFE
    versions = Versions("python", deprecated="3.2", removed="3.12", fix_needs="0")
    triggers = tuple(ALIASES) + tuple(NO_REPLACEMENT)
    ast_trigger = AstTrigger(attributes={*ALIASES, *NO_REPLACEMENT})  # only `self.<alias>(...)` is reported
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example(
            """
            import unittest

            class TestPrices(unittest.TestCase):
                def test_close(self):
                    self.assertEquals(close(bars), 101.5)
                    self.failUnless(bars)
                    with self.assertRaisesRegexp(ValueError, "empty"):
                        close([])
            """,
            """
            import unittest

            class TestPrices(unittest.TestCase):
                def test_close(self):
                    self.assertEqual(close(bars), 101.5)
                    self.assertTrue(bars)
                    with self.assertRaisesRegex(ValueError, "empty"):
                        close([])
            """,
        ),
        Example(
            """
            from unittest import TestCase

            class T(TestCase):
                def test_a(self):
                    self.assertNotEquals(1, 2)
            """,
            """
            from unittest import TestCase

            class T(TestCase):
                def test_a(self):
                    self.assertNotEqual(1, 2)
            """,
        ),
        # a project's own base: unsafe, it could define the alias
        Example(
            """
            from tests.base import BaseTest

            class T(BaseTest):
                def test_a(self):
                    self.assertEquals(1, 1)
            """,
            """
            from tests.base import BaseTest

            class T(BaseTest):
                def test_a(self):
                    self.assertEqual(1, 1)
            """,
            unsafe=True,
        ),
        Example(
            """
            import unittest

            class T(unittest.TestCase):
                def test_a(self):
                    self.assertDictContainsSubset({"a": 1}, d)
            """,
            message="`self.assertDictContainsSubset` was removed in Python 3.12 with no replacement", line=5,
        ),
        # must not touch: the class defines the alias, another receiver, a module-level function
        Example(
            """
            import unittest

            class T(unittest.TestCase):
                def assertEquals(self, a, b):
                    return a == b

                def test_a(self):
                    self.assertEquals(1, 1)
                    checker.assertEquals(1, 1)

            def helper(self):
                self.assertEquals(1, 1)
            """
        ),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        # one entry per enclosing class: (proven unittest base, has some base, names it defines)
        self._classes: list[tuple[bool, bool, frozenset[str]]] = []
        self._depth_in_method: list[int] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [arg.value for arg in node.bases if arg.keyword is None]
        proven = any(qualified_names(self, base) & UNITTEST_BASES for base in bases)
        defined = frozenset(
            stmt.name.value for stmt in node.body.body if isinstance(stmt, cst.FunctionDef)
        ) | frozenset(
            t.target.value
            for stmt in node.body.body
            if isinstance(stmt, cst.SimpleStatementLine)
            for small in stmt.body
            if isinstance(small, cst.Assign)
            for t in small.targets
            if isinstance(t.target, cst.Name)
        )
        self._classes.append((proven, bool(bases), defined))
        self._depth_in_method.append(0)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._classes.pop()
        self._depth_in_method.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._depth_in_method:
            self._depth_in_method[-1] += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if self._depth_in_method:
            self._depth_in_method[-1] -= 1
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"):
            return updated_node
        alias = func.attr.value
        if alias not in ALIASES and alias not in NO_REPLACEMENT:
            return updated_node
        if not self._classes or not self._depth_in_method[-1]:
            return updated_node  # `self` outside a method of a class: not a TestCase instance
        proven, has_bases, defined = self._classes[-1]
        if not has_bases or alias in defined:
            return updated_node
        if alias in NO_REPLACEMENT:
            self.report(original_node, f"`self.{alias}` was removed in Python 3.12 with no replacement: "
                                       f"{NO_REPLACEMENT[alias]}")
            return updated_node
        new = ALIASES[alias]
        fix = Safety.SAFE if proven else Safety.UNSAFE
        message = f"`self.{alias}` was removed in Python 3.12: use `self.{new}`"
        if not self.report(original_node, message, fix=fix, reason="" if proven else UNPROVEN_BASE):
            return updated_node
        assert isinstance(updated_node.func, cst.Attribute)
        return updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name(new)))

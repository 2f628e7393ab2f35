"""FX522 cachetools-ttl-no-invalidation (opt-in): TTL-cached functions nothing can invalidate."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import code_of, keyword, qualified_names
from finfix.sdk.rule import Example, Rule, Safety

TTL_CACHES = frozenset({"cachetools.TTLCache", "cachetools.TLRUCache"})
CACHED = frozenset({"cachetools.cached", "cachetools.func.ttl_cache", "asyncache.cached"})
FUNC_TTL = "cachetools.func.ttl_cache"


class CachetoolsTtlNoInvalidation(Rule):
    """## What it does
    Opt-in (select `FX522` by name or code). Reports functions cached with a time-to-live —
    `@cached(TTLCache(maxsize=..., ttl=60))`, `@cached(cache=TTLCache(...))`, `@cachetools.func.ttl_cache(
    ttl=...)` — when nothing in the module can invalidate the cache: the cache object is created inline
    (so no code can reach it) or bound to a name whose `.clear()` / `.pop()` is never called, and the
    function's own `cache_clear()` is never called. The report names the function, the cache and its TTL.

    ## Why is this bad?
    For market data a TTL is a guess at how stale an answer may be. Without an invalidation path, a
    reconnect, a corporate action or a symbol change cannot flush it: every caller keeps getting the old
    answer until the TTL runs out, and tests cannot reset it between cases.

    ## Example
    ```python
    @cached(TTLCache(maxsize=256, ttl=300))
    def fetch_ohlcv(symbol): ...
    ```
    Use instead:
    ```python
    OHLCV_CACHE = TTLCache(maxsize=256, ttl=300)

    @cached(OHLCV_CACHE)
    def fetch_ohlcv(symbol): ...

    def on_reconnect():
        OHLCV_CACHE.clear()
    ```

    ## Fix safety
    Report only, and off by default: whether a TTL cache needs an invalidation path is a design
    decision (hygiene, not a bug). Calls that clear the cache in other modules are not seen; mark such a
    function `# finfix: ignore[FX522]`.
    """

    code = "FX522"
    name = "cachetools-ttl-no-invalidation"
    summary = "TTL-cached function with no invalidation path (opt-in hygiene)."
    safety = Safety.DETECT
    opt_in = True
    triggers = ("TTLCache", "TLRUCache", "ttl_cache")
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example(
            """
            from cachetools import cached, TTLCache

            @cached(TTLCache(maxsize=256, ttl=300))
            def fetch_ohlcv(symbol):
                return exchange.fetch(symbol)
            """,
            message="`fetch_ohlcv` is cached for 300 s in an inline TTL cache that nothing clears", line=3,
        ),
        Example(
            """
            import cachetools.func

            @cachetools.func.ttl_cache(maxsize=32, ttl=5)
            def order_book(symbol):
                return exchange.book(symbol)
            """,
            message="`order_book` is cached for 5 s", line=3,
        ),
        # must not touch: a named cache that is cleared, cache_clear called, an LRU cache
        Example(
            """
            from cachetools import cached, LRUCache, TTLCache
            import cachetools.func

            QUOTES = TTLCache(maxsize=100, ttl=60)

            @cached(QUOTES)
            def quote(symbol):
                return exchange.quote(symbol)

            @cachetools.func.ttl_cache(ttl=5)
            def book(symbol):
                return exchange.book(symbol)

            @cached(LRUCache(maxsize=10))
            def static(symbol):
                return 1

            def reset():
                QUOTES.clear()
                book.cache_clear()
            """
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        calls = _ClearCalls()
        node.visit(calls)
        self._cleared = calls.receivers
        self._cache_bindings = calls.ttl_bindings(self)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            found = self._ttl_cache(decorator.decorator)
            if found is None:
                continue
            cache_name, ttl = found
            if cache_name is not None and cache_name in self._cleared:
                continue
            if node.name.value in self._cleared:  # `fn.cache_clear()`
                continue
            what = f"`{cache_name}`" if cache_name else "an inline TTL cache"
            self.report(decorator, f"`{node.name.value}` is cached for {ttl} s in {what} that nothing clears: keep "
                                   "the cache in a name and call `.clear()` where the data changes")

    def _ttl_cache(self, decorator: cst.BaseExpression) -> tuple[str | None, str] | None:
        """``(cache name or None, ttl text)`` for a TTL-caching decorator."""
        if not isinstance(decorator, cst.Call):
            return None
        names = qualified_names(self, decorator.func)
        if FUNC_TTL in names:
            ttl = keyword(decorator, "ttl")
            return None, code_of(ttl.value) if ttl else "600"
        if not names & CACHED or not decorator.args:
            return None
        cache_arg = keyword(decorator, "cache") or decorator.args[0]
        cache = cache_arg.value
        if isinstance(cache, cst.Call) and qualified_names(self, cache.func) & TTL_CACHES:
            return None, _ttl_of(cache)
        if isinstance(cache, cst.Name) and cache.value in self._cache_bindings:
            return cache.value, self._cache_bindings[cache.value]
        return None


def _ttl_of(call: cst.Call) -> str:
    ttl = keyword(call, "ttl")
    if ttl is None and len(call.args) >= 2 and call.args[1].keyword is None:
        ttl = call.args[1]
    return code_of(ttl.value) if ttl is not None else "?"


class _ClearCalls(cst.CSTVisitor):
    """Names whose `.clear()`, `.pop(...)`, `.popitem()` or `.cache_clear()` the module calls, and
    module-level names bound to TTL caches."""

    def __init__(self) -> None:
        super().__init__()
        self.receivers: set[str] = set()
        self._assigns: list[tuple[str, cst.Call]] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("clear", "pop", "popitem", "cache_clear", "expire"):
            if isinstance(func.value, cst.Name):
                self.receivers.add(func.value.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._assigns.append((node.targets[0].target.value, node.value))

    def ttl_bindings(self, rule: Rule) -> dict[str, str]:
        return {name: _ttl_of(call) for name, call in self._assigns if qualified_names(rule, call.func) & TTL_CACHES}

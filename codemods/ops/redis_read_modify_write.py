"""FX521 redis-read-modify-write: `get` then `set` of the same key, with no transaction between them."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import code_of, qualified_names, short_code
from finfix.sdk.rule import Example, Rule, Safety
from finfix.sdk.ast_triggers import AstTrigger

#: read command -> the write commands that complete a read-modify-write of the same key
PAIRS = {
    "get": ("set", "setex", "psetex"),
    "hget": ("hset",),
    "lindex": ("lset",),
    "zscore": ("zadd",),
}
ATOMIC = "use `incrby`, a WATCH/MULTI transaction or a Lua script"
#: callables whose result is a redis client
CLIENTS = ("redis.Redis", "redis.StrictRedis", "redis.from_url", "redis.client.Redis", "redis.asyncio.Redis",
           "redis.asyncio.from_url", "redis.asyncio.client.Redis", "redis.cluster.RedisCluster",
           "redis.asyncio.cluster.RedisCluster")


@dataclass
class _Read:
    node: cst.Call
    receiver: str
    command: str
    key: str
    variable: str | None


def _command(node: cst.BaseExpression) -> tuple[str, str, list[str]] | None:
    """``(receiver code, command, [argument codes])`` for ``r.get(k)`` or ``await r.get(k)``."""
    if isinstance(node, cst.Await):
        node = node.expression
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return None
    if any(a.star for a in node.args):
        return None
    return code_of(node.func.value), node.func.attr.value, [code_of(a.value) for a in node.args if a.keyword is None]


class RedisReadModifyWrite(Rule):
    """## What it does
    Reports a redis read-modify-write done as two separate commands: `value = r.get(key)` followed, in
    the same block of the same function, by `r.set(key, ...)` on the same client and the same key (also
    `hget`/`hset` of the same field, `lindex`/`lset`, `zscore`/`zadd`). The report names the atomic
    forms.

    ## Why is this bad?
    Between the `GET` and the `SET` another worker can write the key; its update is then lost. With
    several strategy processes updating a position or a rate-limit counter, the total drifts without an
    error.

    ## Example
    ```python
    fills = int(r.get("fills:BTC") or 0)
    r.set("fills:BTC", fills + qty)
    ```
    Use instead:
    ```python
    r.incrby("fills:BTC", qty)
    ```

    The client must be proven: a name or `self` attribute assigned from `redis.Redis(...)`,
    `redis.from_url(...)`, `redis.asyncio.Redis(...)` or a cluster client, or a parameter annotated with
    one of those classes. A `get`/`set` pair on an object of unknown type is not reported: dictionaries,
    caches and configuration objects share the method names.

    ## Fix safety
    Report only: which atomic form is right (a counter command, an optimistic `WATCH` transaction or a
    Lua script) depends on what the value means. Calls on a pipeline (`pipe = r.pipeline()` ...
    `pipe.watch(key)`), inside `r.transaction(...)` callbacks and inside `with r.pipeline(...)` blocks
    are not reported.
    """

    code = "FX521"
    name = "redis-read-modify-write"
    summary = "redis GET then SET of the same key without a transaction: updates can be lost."
    safety = Safety.DETECT
    triggers = tuple(PAIRS)
    requires = ("redis",)
    ast_trigger = AstTrigger(attributes={w for writes in PAIRS.values() for w in writes})  # findings sit on writes
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example(
            """
            import redis
            r = redis.Redis()

            def add_fill(qty):
                fills = int(r.get("fills:BTC") or 0)
                r.set("fills:BTC", fills + qty)
            """,
            message='`r.get("fills:BTC")` then `r.set("fills:BTC", fills +…` can lose updates', line=6,
        ),
        Example(
            """
            import redis

            async def bump(client: redis.asyncio.Redis, key):
                hits = await client.hget(key, "hits")
                await client.hset(key, "hits", int(hits) + 1)
            """,
            message='`client.hget(key, "hits")` then', line=5,
        ),
        # must not touch: an incr, a WATCH/MULTI pipeline, different keys, a dict's get
        Example(
            """
            import redis
            r = redis.Redis()

            def add_fill(qty):
                r.incrby("fills:BTC", qty)

            def move(key):
                with r.pipeline(transaction=True) as pipe:
                    pipe.watch(key)
                    value = pipe.get(key)
                    pipe.multi()
                    pipe.set(key, int(value) + 1)
                    pipe.execute()

            def copy_key(a, b):
                r.set(b, r.get(a))

            def settings(d):
                level = d.get("level")
                d.set("level", level)
            """
        ),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._pipelines: list[set[str]] = [set()]  # names bound to pipelines, per function
        self._with_pipeline = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._pipelines.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._pipelines.pop()
        return updated_node

    def visit_With(self, node: cst.With) -> None:
        if any(_is_pipeline_call(item.item) for item in node.items):
            self._with_pipeline += 1

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        if any(_is_pipeline_call(item.item) for item in original_node.items):
            self._with_pipeline -= 1
        return updated_node

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scan(node.body)

    def visit_Module(self, node: cst.Module) -> None:
        clients = _Clients(self)
        node.visit(clients)
        self._clients = clients.found
        self._scan(node.body)

    def _scan(self, body: tuple[cst.BaseStatement, ...] | list) -> None:
        """Look for a read and a later write of the same key among the simple statements of one block."""
        if self._with_pipeline:
            return
        reads: list[_Read] = []
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                self._note_pipelines(small)
                for call in _calls_in(small):
                    found = _command(call)
                    if found is None:
                        continue
                    receiver, command, args = found
                    if receiver in self._pipelines[-1] or receiver not in self._clients or not args:
                        continue
                    if command in PAIRS:
                        key = args[0] if command != "hget" or len(args) < 2 else f"{args[0]}, {args[1]}"
                        reads.append(_Read(_unawait(call), receiver, command, key, _target(small)))
                    for read in reads:
                        if command in PAIRS[read.command] and read.receiver == receiver and self._same_key(read, args):
                            if read.variable is None or not _mentions(small, read.variable):
                                continue  # `r.set(b, r.get(a))`-style copies and unrelated writes
                            self.report(_unawait(call), f"`{short_code(read.node, 28)}` then "
                                        f"`{short_code(_unawait(call), 30)}` can lose updates: {ATOMIC}")
                            reads.remove(read)
                            break

    @staticmethod
    def _same_key(read: _Read, args: list[str]) -> bool:
        if read.command == "hget":
            return len(args) >= 2 and f"{args[0]}, {args[1]}" == read.key
        return args[0] == read.key

    def _note_pipelines(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Assign) and _is_pipeline_call(small.value):
            for t in small.targets:
                if isinstance(t.target, cst.Name):
                    self._pipelines[-1].add(t.target.value)


class _Clients(cst.CSTVisitor):
    """Receivers proven to be redis clients: names and `self.x` attributes assigned from a client
    constructor, and parameters annotated with a redis client class."""

    def __init__(self, rule: Rule) -> None:
        super().__init__()
        self.rule = rule
        self.found: set[str] = set()

    def _is_client(self, expr: cst.BaseExpression | None) -> bool:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        if isinstance(expr, cst.Call):
            expr = expr.func
        elif expr is None:
            return False
        names = qualified_names(self.rule, expr)
        return any(n == c or n.startswith(c + ".") for n in names for c in CLIENTS)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, (cst.Call, cst.Await)) and self._is_client(node.value):
            self.found.update(code_of(t.target) for t in node.targets)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._is_client(node.annotation.annotation) or (
                node.value is not None and isinstance(node.value, (cst.Call, cst.Await)) and self._is_client(node.value)):
            self.found.add(code_of(node.target))

    def visit_Param(self, node: cst.Param) -> None:
        if node.annotation is not None and self._is_client(node.annotation.annotation):
            self.found.add(node.name.value)


def _is_pipeline_call(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "pipeline"


def _unawait(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.expression if isinstance(node, cst.Await) else node


def _target(small: cst.BaseSmallStatement) -> str | None:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value
    return None


def _mentions(node: cst.CSTNode, name: str) -> bool:
    finder = _NameFinder(name)
    node.visit(finder)
    return finder.found


class _NameFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.found = name, False

    def visit_Name(self, node: cst.Name) -> None:
        self.found = self.found or node.value == self.name


def _calls_in(small: cst.CSTNode) -> list[cst.BaseExpression]:
    collector = _Calls()
    small.visit(collector)
    return collector.calls


class _Calls(cst.CSTVisitor):
    """Calls (and awaited calls) in evaluation order: arguments before the call that takes them."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.BaseExpression] = []
        self._awaited: set[int] = set()

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def leave_Await(self, original_node: cst.Await) -> None:
        if isinstance(original_node.expression, cst.Call):
            self.calls.append(original_node)

    def leave_Call(self, original_node: cst.Call) -> None:
        if id(original_node) not in self._awaited:
            self.calls.append(original_node)

"""The Jinja environment Word templates are filled in: Jinja's immutable sandbox, plus budgets on what a
template can build, so a hostile template is refused with a message instead of eating the machine.

Jinja's own sandbox stops code, not resource exhaustion. Per document this module bounds:
- what a template builds: items and characters made with `*`, `+`, `~`, range(), str.replace and padding
  (MAX_BUILT; a `+`/`~` result up to FREE_CHARS long is free: names and labels put together);
- what filters and method calls return (MAX_RETURNED characters and items: `join` of the data is fine,
  feeding a result back into itself thirty times is not);
- numbers: an integer `**` or `*` whose result would have more than MAX_INT_BITS bits is refused before
  Python computes it (C code no deadline inside the process can interrupt);
- rounds of loops and macro calls (MAX_ITERATIONS: every `{% for %}` counts each item it takes, of a list,
  a text or a range, so eight nested loops over a few items are refused; recursive macros likewise);
- the size of what the document's parts render to (MAX_RENDERED characters of XML).
Each overrun raises Overbudget (a SecurityError) whose `reason` says in Chinese what was too big. The
render worker (app/docs/worker.py) adds a hard time and memory limit around all of it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import jinja2
from docxtpl import InlineImage
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_BUILT = 10_000  # items and characters a template may build with *, +, ~, range() and padding
FREE_CHARS = 100  # a +/~ result this short costs nothing (a name and a label put together)
MAX_RETURNED = 1_000_000  # characters and items returned by filters and method calls (join, sum, split …)
MAX_INT_BITS = 4_096  # an integer a template computes (about 1,200 digits; the money figures need 40 bits)
# The 自评报告 of the large demo (4,256 visits in a table): 4,466 loop rounds, 10 M characters, 2 s, 312 MB.
MAX_ITERATIONS = 50_000  # rounds of loops and macro calls, per document
MAX_RENDERED = 50_000_000  # characters of XML the parts of one document render to (about 1.5 GB to finish)

# the module constants the render worker copies into its process (tests change them in this one)
LIMIT_NAMES = ("MAX_BUILT", "FREE_CHARS", "MAX_RETURNED", "MAX_INT_BITS", "MAX_ITERATIONS", "MAX_RENDERED")


class Overbudget(SecurityError):
    """A template built, looped or rendered more than a document allows; `reason` says what, in Chinese;
    `sign` is what to look for in the tags to name the one at fault ("" when no one tag is)."""

    def __init__(self, reason: str, detail: str, sign: str = "") -> None:
        super().__init__(detail)
        self.reason, self.sign = reason, sign


class _Generator(CodeGenerator):
    """Jinja's code generator, with the result of every `~` passed through environment.built_text (Jinja
    compiles `a ~ b` to a join that no sandbox hook sees)."""

    def visit_Concat(self, node: Any, frame: Any) -> None:  # noqa: N802 (Jinja's visitor names)
        self.write("environment.built_text(")
        super().visit_Concat(node, frame)
        self.write(")")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus: dicts are records; what a template builds, loops and renders is
    bounded (see the module docstring); `reset()` starts the budgets again for the next document."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _Generator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.reset()
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)  # lorem ipsum: up to a megabyte of text in one call
        self.filters = {
            name: self._checked(f) for name, f in self.filters.items() if name not in _UNSAFE_FILTERS
        }

    def reset(self) -> None:
        self.built = 0
        self.returned = 0
        self.iterations = 0
        self.rendered = 0

    def _spend(self, n: int, sign: str = "") -> None:
        self.built += max(n, 0)
        if self.built > MAX_BUILT:
            raise Overbudget(
                f"生成的内容过多（超过{MAX_BUILT}个字符或项，模板中不允许这样大量生成）",
                f"template builds more than {MAX_BUILT} items",
                sign,
            )

    def _returned(self, value: Any, sign: str) -> Any:
        """What a filter or a method call returned: long text and lists count against MAX_RETURNED."""
        if isinstance(value, str | bytes | list | tuple) and len(value) > FREE_CHARS:
            self.returned += len(value)
            if self.returned > MAX_RETURNED:
                raise Overbudget(
                    f"生成的内容过多（超过{MAX_RETURNED // 10_000}万个字符或项）",
                    f"filters and calls returned more than {MAX_RETURNED} items",
                    sign,
                )
        return value

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template's syntax tree, each `{% for x in items %}` made `{% for x in counted(items) %}`."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            counted = nodes.EnvironmentAttribute("counted", lineno=loop.iter.lineno)
            loop.iter = nodes.Call(counted, [loop.iter], [], None, None, lineno=loop.iter.lineno)
        return tree

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of a loop, each spending a round."""
        for item in iterable:
            self.spend_iteration()
            yield item

    def spend_iteration(self) -> None:
        """One round of a loop, or one macro call."""
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            raise Overbudget(
                f"的循环次数过多（超过{MAX_ITERATIONS}次，可能是循环嵌套过深）",
                f"more than {MAX_ITERATIONS} loop rounds",
            )

    def built_text(self, value: Any) -> Any:
        """The result of a `~`: long ones count against the build budget."""
        if isinstance(value, str) and len(value) > FREE_CHARS:
            self._spend(len(value), "~")
        return value

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """Join what a template part renders (Environment.concat is "".join), counting the characters."""
        out = []
        for part in parts:
            self.rendered += len(part)
            if self.rendered > MAX_RENDERED:
                raise Overbudget(
                    f"生成的文档过大（超过{MAX_RENDERED // 10_000}万个字符，可能是循环嵌套过深）",
                    f"rendered more than {MAX_RENDERED} characters",
                )
            out.append(part)
        return "".join(out)

    def _range(self, *args: int) -> range:
        r = range(*args)
        self._spend(len(r), "range")
        return r

    def _checked(self, f: Any) -> Any:
        @functools.wraps(f)  # keeps @pass_context / @pass_environment
        def checked(*args: Any, **kwargs: Any) -> Any:
            _small_numbers(args, kwargs)
            return self._returned(f(*args, **kwargs), f.__name__.removeprefix("do_"))

        return checked

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and not attribute.startswith("_"):  # a record: fields, not dict methods
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        if isinstance(obj, str) and attribute in ("format", "format_map"):  # '{:>999999999}'.format(1)
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, InlineImage):  # prints itself; its fields (the template, the file) stay hidden
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Mapping) and isinstance(argument, str):
            return self.getattr(obj, argument)
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _small_numbers(args, kwargs)
        if isinstance(
            __obj, Macro | LoopContext
        ):  # a macro or loop(…) calling itself twice doubles each level
            __self.spend_iteration()
        if getattr(__obj, "__name__", "") == "replace" and isinstance(getattr(__obj, "__self__", None), str):
            _spend_replace(__self, __obj.__self__, *args[:2])
        return __self._returned(
            super().call(__context, __obj, *args, **kwargs), getattr(__obj, "__name__", "")
        )

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting with %")
        elif operator == "*":
            _check_product(left, right)
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    self._spend(len(seq) * n, "*")
        elif (
            operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
        ):
            if (size := len(left) + len(right)) > FREE_CHARS:
                self._spend(size, "+")
        return super().call_binop(context, operator, left, right)


# padding and formatting filters a document template has no use for (and each can build a huge string)
_UNSAFE_FILTERS = {"center", "indent", "wordwrap", "format", "filesizeformat", "pprint", "urlize", "xmlattr"}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _too_big_number(detail: str, sign: str) -> Overbudget:
    return Overbudget(f"计算的数字过大（超过{MAX_INT_BITS}位二进制）", detail, sign)


def _check_power(left: Any, right: Any) -> None:
    if isinstance(right, int | float) and abs(right) > 100:
        raise SecurityError("exponent too large")
    if _whole(left) and _whole(right) and right > 0 and left.bit_length() * right > MAX_INT_BITS:
        raise _too_big_number("power too large", "**")


def _check_product(left: Any, right: Any) -> None:
    if _whole(left) and _whole(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise _too_big_number("product too large", "*")


def _small_numbers(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if _whole(value) and abs(value) > MAX_BUILT:
            raise SecurityError(f"number {value} too large")


def _spend_replace(env: _Sandbox, text: str, old: Any = "", new: Any = "") -> None:
    if isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        env._spend((text.count(old) if old else len(text) + 1) * (len(new) - len(old)), "replace")


def sandbox() -> jinja2.Environment:
    """A fresh Jinja environment (its budgets count for one document until reset())."""
    return _Sandbox(undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True)

"""Disguised copies of a network.py, as a student hiding a copy would make them: names
renamed, functions reordered, comments and docstrings changed, whitespace changed, lines
split and merged. Each function takes Python source and returns equivalent Python source
(the tests compile every result)."""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import tokenize

CONTRACT = {"init_params", "softmax", "forward", "softmax_cross_entropy", "backward", "sgd_update", "adam_update"}


def rename(source: str) -> str:
    """Every variable, parameter and helper function renamed (the contract's functions keep
    their names, attributes and keyword arguments of calls are left alone)."""
    tree = ast.parse(source)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in CONTRACT:
            names.add(node.name)
    names -= {"np", "self", "__name__"} | set(dir(builtins))
    mapping = {name: f"q{number}_{name[::-1].lower()}x" for number, name in enumerate(sorted(names))}
    out, previous = [], None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and tok.string in mapping and not keyword.iskeyword(tok.string) \
                and not (previous is not None and previous.string == "."):
            tok = tok._replace(string=mapping[tok.string])
        out.append(tok)
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok
    return tokenize.untokenize(out)


def reorder(source: str) -> str:
    """Top-level functions and classes in reverse order, the imports first."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    blocks = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    taken = set()
    segments = []
    for node in blocks:
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        segments.append("".join(lines[first - 1:node.end_lineno]))
        taken.update(range(first, node.end_lineno + 1))
    rest = "".join(line for number, line in enumerate(lines, 1) if number not in taken)
    return rest.rstrip() + "\n\n\n" + "\n\n".join(reversed(segments))


def recomment(source: str) -> str:
    """Comments and docstrings removed (ast.unparse: every whitespace choice normalized too)
    and new comments written."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    out = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.lstrip()
        if stripped.startswith("def "):
            out.append(line[: len(line) - len(stripped)] + "# my own implementation, written from the lecture notes")
        out.append(line + ("  # compute it" if "=" in line and not stripped.startswith(("def", "@")) else ""))
    return "\n".join(out) + "\n"


def reindent(source: str) -> str:
    """Indentation of two spaces instead of four, blank lines doubled."""
    out = []
    for line in source.splitlines():
        stripped = line.lstrip(" ")
        depth = len(line) - len(stripped)
        out.append(" " * (depth // 2) + stripped)
        if not stripped:
            out.append("")
    return "\n".join(out) + "\n"


def split_lines(source: str) -> str:
    """A line break after every comma inside brackets."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    result, depth = [], 0
    for tok in tokens:
        result.append(tok)
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif tok.type == tokenize.OP and tok.string == "," and depth > 0:
            result.append(tokenize.TokenInfo(tokenize.NL, "\n", tok.end, tok.end, tok.line))
    return tokenize.untokenize([(t.type, t.string) for t in result])


def merge_lines(source: str) -> str:
    """Consecutive one-line simple statements of a block joined with '; '."""
    tree = ast.parse(source)
    lines = source.splitlines()
    joins = set()  # line numbers to join onto the previous line
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for first, second in zip(body, body[1:]):
            simple = (ast.Assign, ast.AugAssign, ast.Expr, ast.AnnAssign)
            if isinstance(first, simple) and isinstance(second, simple) and first.lineno == first.end_lineno \
                    and second.lineno == second.end_lineno == first.end_lineno + 1 and first.lineno not in joins:
                joins.add(second.lineno)
    out = []
    for number, line in enumerate(lines, 1):
        if number in joins:
            out[-1] = out[-1].split("  #")[0] + "; " + line.strip()
        else:
            out.append(line)
    return "\n".join(out) + "\n"


DISGUISES = {"rename": rename, "reorder": reorder, "recomment": recomment, "reindent": reindent,
             "split": split_lines, "merge": merge_lines}


def disguise(source: str, steps=("rename", "reorder", "recomment", "merge", "split", "reindent")) -> str:
    """`source` through the named disguises in order; the result compiles."""
    source = source.lstrip("\ufeff").replace("\r\n", "\n")
    for step in steps:
        source = DISGUISES[step](source)
        compile(source, step, "exec")
    return source

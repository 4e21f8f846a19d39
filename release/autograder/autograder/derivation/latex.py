"""Reading a formula's LaTeX: a tokenizer and a recursive-descent grammar that turn one side of
an equation into an expression tree. Nothing of the student's text is ever evaluated as code:
the tree is plain tuples that evaluate.py walks over numpy values.

Inputs: a formula's LaTeX (str). Outputs: tokens (list[Token]) and trees (nested tuples):
  ("num", float)                    a number
  ("name", base, sub, deco)         a symbol: base "W"/"theta"/"m", subscript as written without
                                    spaces ("1", "t-1", "ic", "i,:"), decoration "hat" or ""
  ("ones", sub)                     the ones vector 1_N (sub "" when its length is not written)
  ("add"|"sub"|"mul"|"star"|"had"|"div", a, b), ("neg", a), ("pow", a, e), ("T", a)
  ("at", a, sub)                    a subscript on a bracket or a call: (Δ_1)_{i,:}, softmax(z)_c
  ("fn", name, (args...))           exp log sqrt relu drelu softmax max tr heaviside
  ("sum"|"max", (vars...), lo, hi, body)   \\sum_{i=1}^{N} body, \\max_k body (lo, hi may be None)
  ("cmp", op, a, b), ("ind", cond)  a comparison; the indicator 1[cond] (or an Iverson bracket)
  ("deriv", of, wrt)                ∂of/∂wrt, ∇_wrt of, d wrt (of, wrt: name trees)
Anything outside this grammar raises Unreadable; so do inputs past the bounds below (tokens,
nesting), so that hostile text costs bounded time and recursion.
"""
from __future__ import annotations

import re

MAX_TOKENS = 4000      # one formula side; a longer one is not a formula a student writes
MAX_DEPTH = 60         # nesting of brackets and operators


class Unreadable(Exception):
    """The text is not a formula this reader reads; the message says what stopped it."""


GREEK = {"alpha", "beta", "gamma", "delta", "Delta", "epsilon", "varepsilon", "eta", "theta", "vartheta",
         "Theta", "lambda", "mu", "sigma", "Sigma", "tau", "phi", "varphi", "psi", "omega", "Omega", "xi",
         "nabla", "ell", "rho", "kappa", "pi", "Lambda", "Gamma", "Phi", "Psi", "chi", "zeta", "nu", "iota"}
CANON_GREEK = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "ell": "L"}
UNICODE = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "Δ": r"\Delta", "ε": r"\epsilon",
           "ϵ": r"\epsilon", "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma",
           "∂": r"\partial", "∑": r"\sum", "Σ": r"\sum", "⊙": r"\odot", "∘": r"\circ", "ᵀ": r"^\top",
           "⊤": r"\top", "−": "-", "·": r"\cdot", "×": r"\times", "√": r"\sqrt", "←": r"\leftarrow",
           "≥": r"\geq", "≤": r"\leq", "∇": r"\nabla", "∈": r"\in", "ℓ": r"\ell", "⋅": r"\cdot", "≔": ":=",
           "′": "'", "∀": r"\forall", "≈": r"\approx", "→": r"\to"}
# Words written as letters in math mode that name a function (ReLU(Z) without \mathrm).
FUNCTIONS = {"exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "relu": "relu", "softmax": "softmax",
             "max": "max", "tr": "tr", "trace": "tr", "heaviside": "heaviside", "step": "heaviside",
             "sm": "softmax", "sign": "sign", "sgn": "sign", "abs": "abs"}
# Commands that only style what follows, and spacing or sizing commands dropped altogether.
STYLE = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "mathnormal", "vec", "mathcal", "mathscr",
         "operatorname", "textbf", "textit", "mathbb", "pmb", "symbf", "mathbfit"}
DECORATION = {"hat": "hat", "widehat": "hat", "bar": "hat", "tilde": "hat", "overline": "hat"}
DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
           "Biggl", "Biggr", "middle", ",", ";", "!", ":", " ", "displaystyle", "textstyle", "limits", "nolimits",
           "cdotp", "nonumber", "notag", "quad_inner", "mathstrut", "strut", "scriptstyle", "hspace", "phantom"}
SEPARATORS = {"quad", "qquad", "\\", "text", "mbox", "textrm", "hbox", "forall", "implies", "Rightarrow",
              "Longrightarrow", "iff", "Leftrightarrow", "qquad", "ldots", "dots", "cdots", "vdots", "mid"}
RELATIONS = {"=": "=", "leftarrow": "<-", "gets": "<-", "coloneqq": "<-", "Leftarrow": "<-", "longleftarrow": "<-",
             "coloneq": "<-", "triangleq": "=", "equiv": "=", "stackrel": None, "overset": None}
COMPARISONS = {">": ">", "<": "<", "geq": ">=", "ge": ">=", "leq": "<=", "le": "<=", "geqslant": ">=",
               "leqslant": "<=", "neq": "!=", "ne": "!="}
NOT_EQUATIONS = {"approx", "propto", "sim", "simeq", "to", "mapsto", "cong", "ll", "gg", "subset", "subseteq"}
OPEN = {"(": ")", "[": "]", "{": "}", r"\{": r"\}", r"\langle": r"\rangle", "|": "|", r"\lvert": r"\rvert"}

ALTERNATIVES = {"or", "или", "либо", "equivalently", "orequivalently", "илиэквивалентно", "эквивалентно",
                "ie", "i.e.", "т.е.", "тоесть", "or,equivalently,", "or,equivalently"}
TEXT = {"text", "textrm", "mbox", "hbox", "textnormal", "textsf", "textit", "textup"}
TEXTLIKE = TEXT | {"mathrm", "operatorname", "mathsf", "mathit", "mathnormal"}
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(\d+(?:\.\d+)?)|(\s+)|([A-Za-z]+)|(.)", re.S)


class Token(tuple):
    """(kind, value): kind "cmd" (a \\command, value without the backslash), "num", "word" (letters
    in math mode), "ch" (one character), "sep" (a separator: \\quad, \\text{where}, ...)."""
    __slots__ = ()

    def __new__(cls, kind, value):
        return tuple.__new__(cls, (kind, value))

    kind = property(lambda self: self[0])
    value = property(lambda self: self[1])


def _text_argument(text: str, pos: int) -> tuple[str, int]:
    """The braced argument of \\text at pos (nested braces counted), and where it ends."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text) or text[pos] != "{":
        return "", pos
    depth, start = 0, pos
    while pos < len(text):
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:pos], pos + 1
        pos += 1
    return text[start + 1:], pos


_UNICODE_SPACED = {ch: v + " " if v[-1].isalpha() else v for ch, v in UNICODE.items()}
_WHITE = re.compile(r"\s*(?:white|#?f{3}|#?f{6}|transparent|1\s*,\s*1\s*,\s*1|255\s*,\s*255\s*,\s*255)\s*", re.I)


def _invisible_colour(colour: str) -> bool:
    """Whether a colour is the page's background (white) or none: text in it is not seen."""
    return bool(_WHITE.fullmatch(colour))


def _optional_argument(text: str, pos: int) -> int:
    """Past an optional [...] argument at pos (\\color[HTML]{FFFFFF}), if there is one."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos < len(text) and text[pos] == "[":
        end = text.find("]", pos)
        return len(text) if end < 0 else end + 1
    return pos


def _group_end(text: str, pos: int) -> int:
    """Where the brace group that pos is in ends (at its closing brace), or the text's end:
    \\color{white} colours everything after it up to there."""
    depth = 0
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
            continue
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    return pos


# W^{(t+1)}, W_1^{(t)}, \theta^{(k)}: a step's index written above in parentheses, not a power
_STEP_INDEX = re.compile(r"(?P<base>\\[A-Za-z]+|[A-Za-z])\s*(?:_\{?(?P<layer>\d)\}?)?\s*"
                         r"\^\s*\{\s*\(\s*(?P<step>[tk](?:\s*[+-]\s*1)?)\s*\)\s*\}")


def _step_subscript(m) -> str:
    step = re.sub(r"\s", "", m.group("step"))
    layer = m.group("layer")
    if layer:   # W_1^{(t+1)} → W_{1,t+1}, the new value; W_1^{(t)} → W_1, the value the step starts from
        return f"{m.group('base')}_{{{layer},{step}}}" if "+" in step else f"{m.group('base')}_{{{layer}}}"
    return f"{m.group('base')}_{{{step}}}"


def tokenize(text: str, _depth: int = 0) -> list[Token]:
    """The tokens of a formula's LaTeX, unicode symbols mapped to their commands, letters kept
    one a token except words that name a function (ReLU, softmax, exp), \\text{...} read as a
    function's name or a separator. Raises Unreadable past MAX_TOKENS."""
    # a command put in for a unicode sign ends there: ∂L is \partial L, not \partialL
    text = "".join(_UNICODE_SPACED.get(ch, ch) for ch in text)
    text = _STEP_INDEX.sub(_step_subscript, text)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if len(tokens) > MAX_TOKENS:
            raise Unreadable("too long")
        m = _TOKEN.match(text, pos)
        pos = m.end()
        cmd, escaped, num, space, word, ch = m.groups()
        if space:
            continue
        if cmd:
            if cmd in TEXTLIKE:
                arg, end = _text_argument(text, pos)
                plain = re.sub(r"[\s\\{}]|\\[,;!]", "", arg).lower().replace("'", "")
                prime = arg.strip().endswith("'")
                if plain in FUNCTIONS:
                    tokens.append(Token("fn", FUNCTIONS[plain]))
                    if prime:
                        tokens.append(Token("ch", "'"))
                elif cmd in TEXT:
                    tokens.append(Token("sep", plain))
                elif re.fullmatch(r"[A-Za-z]{2,12}", arg.strip()):   # \mathrm{lr}: one name of several letters
                    tokens.append(Token("ch", arg.strip()))
                elif _depth < 4:  # \mathrm{d}, \mathrm{T}: the argument read as math, without its braces
                    tokens.extend(tokenize(arg, _depth + 1))
                else:
                    raise Unreadable("nested too deeply")
                pos = end
                continue
            if cmd in ("color", "textcolor", "colorbox"):
                pos = _optional_argument(text, pos)
                colour, pos = _text_argument(text, pos)
                if _invisible_colour(colour):   # white on the page: not visible, so not read
                    pos = _text_argument(text, pos)[1] if cmd != "color" else _group_end(text, pos)
                elif _depth < 4 and text[pos:].lstrip().startswith("{"):
                    # \color{red}{∂L/∂Z = ...}: the coloured formula is read as if uncoloured
                    arg, pos = _text_argument(text, pos)
                    tokens.extend(tokenize(arg, _depth + 1))
                continue
            if cmd in ("hspace", "vspace", "label", "tag", "phantom", "hphantom", "vphantom"):
                _, pos = _text_argument(text, pos)
                continue
            if cmd in ("underbrace", "overbrace") and _depth < 4:
                # \underbrace{P - Y}_{G}: the formula is the braced part; the note under it is not
                arg, pos = _text_argument(text, pos)
                tokens.append(Token("ch", "{"))
                tokens.extend(tokenize(arg, _depth + 1))
                tokens.append(Token("ch", "}"))
                rest = len(text) - len(text[pos:].lstrip())
                if rest < len(text) and text[rest] in "_^":
                    _, pos = _text_argument(text, rest + 1)
                continue
            if cmd in ("boxed", "fbox", "framebox") and _depth < 4:   # a box around a formula: it is read
                arg, pos = _text_argument(text, pos)
                tokens.extend(tokenize(arg, _depth + 1))
                continue
            if cmd in DROPPED:
                continue
            if cmd.lower() in FUNCTIONS and cmd not in ("max",) or cmd in ("exp", "log", "ln", "sqrt", "max", "tr"):
                tokens.append(Token("fn", FUNCTIONS.get(cmd.lower(), cmd)))
                continue
            tokens.append(Token("cmd", cmd))
        elif escaped:
            if escaped in "{}|":
                tokens.append(Token("ch", "\\" + escaped))
            elif escaped == "\\":
                tokens.append(Token("sep", "\\\\"))
            # \, \; \! \  are spacing
        elif num:
            tokens.append(Token("num", num))
        elif word:
            low = word.lower()
            if low in FUNCTIONS and len(word) > 1:
                tokens.append(Token("fn", FUNCTIONS[low]))
            elif low.endswith("relu") and len(low) > 4 and low[:-4] in ("", "leaky"):
                raise Unreadable(word)
            else:
                # a run of letters: a function name inside it (dReLU) is not split out; each letter a symbol
                tokens.extend(Token("ch", c) for c in word)
        elif ch:
            if ch in "&":
                continue
            if ch == "~":
                continue
            tokens.append(Token("ch", ch))
    return tokens


# -- splitting a display into equations and sides -------------------------------------------------
def _depth_changes(tok: Token) -> int:
    if tok.kind == "ch" and tok.value in ("(", "[", "{", "\\{"):
        return 1
    if tok.kind == "ch" and tok.value in (")", "]", "}", "\\}"):
        return -1
    return 0


def split_equations(tokens: list[Token]) -> list[list[list[Token]]]:
    """A display's tokens → its equations, each a list of sides (token lists), split at the
    top-level relations (=, ←, :=, ≡). Separators (commas, \\quad, \\text{...}, \\\\) end an
    equation; a piece with an inequality or ≈ is not an equation and is left out; "∈ ℝ^{N×H}"
    (a shape) ends its side."""
    pieces, current, depth, alternative = [], [], 0, False
    for tok in tokens:
        d = _depth_changes(tok)
        if depth == 0 and (tok.kind == "sep" or (tok.kind == "ch" and tok.value in ",;") or
                           (tok.kind == "cmd" and tok.value in SEPARATORS)):
            if current:
                pieces.append(current)
                current = []
            if tok.kind == "sep" and tok.value in ALTERNATIVES and pieces:
                alternative = True
            continue
        if alternative and not current:
            # "dA = G W_2^T \quad\text{or}\quad W_2 G^T": what follows "or" is one more side of
            # the equation before it, an alternative that has to be right too
            current = pieces.pop() + [(Token("ch", "="), 0)]
            alternative = False
        depth = max(0, depth + d)
        current.append((tok, depth if d <= 0 else depth - 1))
    pieces.append(current)
    equations = []
    for piece in pieces:
        sides, side, skip_side, not_eq = [], [], False, False
        i = 0
        while i < len(piece):
            tok, depth = piece[i]
            relation = None
            if depth == 0:
                if tok.kind == "ch" and tok.value == "=":
                    relation = "="
                elif tok.kind == "ch" and tok.value == ":" and i + 1 < len(piece) and piece[i + 1][0] == ("ch", "="):
                    relation, i = "<-", i + 1
                elif tok.kind == "cmd" and tok.value in RELATIONS and RELATIONS[tok.value]:
                    relation = RELATIONS[tok.value]
                elif tok.kind == "cmd" and tok.value == "in":
                    skip_side = True
                elif (tok.kind == "ch" and tok.value in "<>") or (tok.kind == "cmd" and (
                        tok.value in COMPARISONS or tok.value in NOT_EQUATIONS)):
                    not_eq = True
                elif tok.kind == "ch" and tok.value == "-" and i + 1 < len(piece) and piece[i + 1][0] == ("ch", ">"):
                    not_eq = True
            if relation:
                sides.append(side)
                side, skip_side = [], False
            elif not skip_side:
                side.append(tok)
            i += 1
        while side and side[-1] in (("ch", "."), ("ch", ":")):   # "... = (P - Y)/N." ends a sentence
            side.pop()
        sides.append(side)
        if len(sides) >= 2 and not not_eq and any(sides):   # "$dZ_1 =$ `code`": a side left empty
            equations.append(sides)
    return equations


# -- the grammar ------------------------------------------------------------------------------------
TRANSPOSE_MARKS = {("ch", "T"), ("cmd", "top"), ("cmd", "intercal"), ("cmd", "prime"), ("ch", "'"),
                   ("cmd", "mathsf"), ("cmd", "tau"), ("cmd", "mathrm")}


class Parser:
    """Recursive descent over one side's tokens: parse() returns its tree or raises Unreadable."""

    def __init__(self, tokens: list[Token]):
        if len(tokens) > MAX_TOKENS:
            raise Unreadable("too long")
        self.t = tokens
        self.i = 0
        self.depth = 0
        self.last_argument = None   # the point a gradient is taken at: ∇L(W_1)

    # helpers
    def peek(self, k: int = 0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else Token("end", "")

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, kind, value=None, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == kind and (value is None or tok.value == value)

    def expect(self, kind, value):
        if not self.at(kind, value):
            raise Unreadable(f"expected {value!r} at {self.peek().value!r}")
        return self.take()

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unreadable("nested too deeply")

    def leave(self):
        self.depth -= 1

    def parse(self):
        tree = self.expr()
        if self.i != len(self.t):
            raise Unreadable(f"cannot read {''.join(str(tok.value) for tok in self.t[self.i:self.i + 5])!r}")
        return tree

    # expr := term (('+'|'-') term)*
    def expr(self):
        self.enter()
        try:
            if self.at("ch", "-"):
                self.take()
                node = ("neg", self.term())
            elif self.at("ch", "+"):
                self.take()
                node = self.term()
            else:
                node = self.term()
            while self.at("ch", "+") or self.at("ch", "-") or self.at("cmd", "pm"):
                op = self.take().value
                if op == "pm":
                    raise Unreadable("±")
                right = self.term()
                node = ("add" if op == "+" else "sub", node, right)
            return node
        finally:
            self.leave()

    def starts_factor(self) -> bool:
        tok = self.peek()
        if tok.kind in ("num", "fn"):
            return True
        if tok.kind == "ch":
            return tok.value.isalpha() or tok.value in ("(", "[", "{", "\\{")
        if tok.kind == "cmd":
            return tok.value in GREEK or tok.value in STYLE or tok.value in DECORATION or tok.value in (
                "frac", "dfrac", "tfrac", "sqrt", "sum", "partial", "max", "exp", "log", "mathbb", "mathbf",
                "nabla", "delta", "prod", "lVert", "lvert", "langle", "operatorname")
        return False

    # term := unary ((op | juxtaposition) unary)*
    def term(self):
        self.enter()
        try:
            node = self.unary()
            while True:
                tok = self.peek()
                if tok.kind == "cmd" and tok.value in ("cdot", "times", "ast"):
                    self.take()
                    node = ("mul", node, self.unary())
                elif tok.kind == "ch" and tok.value == "*":
                    self.take()
                    node = ("star", node, self.unary())
                elif tok.kind == "cmd" and tok.value in ("odot", "circ", "bullet"):
                    self.take()
                    node = ("had", node, self.unary())
                elif (tok.kind == "ch" and tok.value == "/") or (tok.kind == "cmd" and tok.value == "div"):
                    self.take()
                    den = self.unary()
                    if node[0] == "partial" and den[0] == "partial":
                        node = ("deriv", node[1], den[1])
                    elif node[0] == "mul" and node[2][0] == "partial" and den[0] == "partial":
                        node = ("mul", node[1], ("deriv", node[2][1], den[1]))   # X^T ∂L/∂Z_1
                    else:
                        node = ("div", node, den)
                elif tok.kind == "cmd" and tok.value in ("otimes", "oslash", "cross", "wedge", "star"):
                    raise Unreadable(tok.value)
                elif self.starts_factor():
                    node = ("mul", node, self.factor())
                else:
                    return node
        finally:
            self.leave()

    def unary(self):
        if self.at("ch", "-"):
            self.take()
            return ("neg", self.unary())
        if self.at("ch", "+"):
            self.take()
            return self.unary()
        return self.factor()

    # factor := primary postfix*
    def factor(self):
        self.enter()
        try:
            node = self.primary()
            return self.postfix(node)
        finally:
            self.leave()

    def postfix(self, node):
        while True:
            if self.at("ch", "^"):
                self.take()
                node = self.superscript(node)
            elif self.at("ch", "'"):
                self.take()
                node = ("T", node)
            elif self.at("ch", "_"):
                self.take()
                node = ("at", node, self.raw_group())
            else:
                return node

    def superscript(self, node):
        # ^T ^\top ^{\top} ^{T} ^\intercal ^{\prime} ^{\mathsf{T}} → transpose; else a power
        save = self.i
        if self.at("ch", "{"):
            inner = self.braced_tokens()
            marks = [tok for tok in inner if tok.kind != "ch" or tok.value not in "{}"]
            if len(marks) == 1 and tuple(marks[0]) in TRANSPOSE_MARKS and tuple(marks[0]) != ("cmd", "tau"):
                return ("T", node)
            self.i = save
            return ("pow", node, self.arg())
        tok = self.peek()
        if tuple(tok) in TRANSPOSE_MARKS and tuple(tok) not in (("cmd", "tau"), ("cmd", "mathsf"), ("cmd", "mathrm")):
            self.take()
            return ("T", node)
        return ("pow", node, self.arg())

    def braced_tokens(self) -> list[Token]:
        """The tokens of the {...} group at the cursor (consumed), without the outer braces."""
        self.expect("ch", "{")
        depth, out = 1, []
        while True:
            tok = self.take()
            if tok.kind == "end":
                raise Unreadable("unclosed brace")
            if tok == ("ch", "{"):
                depth += 1
            elif tok == ("ch", "}"):
                depth -= 1
                if depth == 0:
                    return out
            out.append(tok)

    def raw_group(self) -> str:
        """A subscript as written, spaces dropped: {t-1} → "t-1", i → "i", {i,:} → "i,:"."""
        if self.at("ch", "{"):
            toks = self.braced_tokens()
        else:
            tok = self.take()
            if tok.kind == "end":
                raise Unreadable("empty subscript")
            if tok.kind == "num" and len(tok.value) > 1 and "." not in tok.value:  # x_12 is x_1 2
                self.t.insert(self.i, Token("num", tok.value[1:]))
                tok = Token("num", tok.value[0])
            toks = [tok]
        parts = []
        for tok in toks:
            if tok.kind == "cmd" and tok.value in STYLE:
                continue
            if tok.kind == "cmd":
                parts.append(CANON_GREEK.get(tok.value, tok.value))
            elif tok.kind == "fn":
                raise Unreadable("a function in a subscript")
            else:
                parts.append(str(tok.value))
        text = "".join(p for p in parts if p not in ("{", "}"))
        return text

    def arg(self):
        """A command's argument: {expr} or one token (\\frac12, \\frac1N)."""
        if self.at("ch", "{"):
            self.take()
            node = self.expr()
            self.expect("ch", "}")
            return node
        tok = self.peek()
        if tok.kind == "num" and len(tok.value) > 1 and "." not in tok.value:
            self.take()
            self.t.insert(self.i, Token("num", tok.value[1:]))
            return ("num", float(tok.value[0]))
        return self.factor_no_postfix()

    def factor_no_postfix(self):
        self.enter()
        try:
            return self.primary()
        finally:
            self.leave()

    def group(self, close: str):
        """The inside of a bracket: an expression, a comparison (an indicator), or a list."""
        items = [self.expr()]
        while self.at("ch", ","):
            self.take()
            items.append(self.expr())
        tok = self.peek()
        if len(items) == 1 and (tok.kind == "ch" and tok.value in "<>" or tok.kind == "cmd" and tok.value in COMPARISONS):
            self.take()
            op = COMPARISONS.get(tok.value, tok.value)
            if op in "<>" and self.at("ch", "="):
                self.take()
                op += "="
            items = [("cmp", op, items[0], self.expr())]
        self.expect("ch", close)
        return items

    def bracket(self):
        tok = self.take()
        close = OPEN[tok.value]
        items = self.group(close)
        if len(items) != 1:
            return ("list", tuple(items))
        inner = items[0]
        if inner[0] == "cmp":
            return ("ind", inner)
        if tok.value in ("|", r"\lvert"):
            return ("fn", "abs", (inner,))
        return inner

    def name(self, deco: str = ""):
        """A symbol: a letter or a Greek letter, its decoration, its subscript and a layer index
        written as a superscript in brackets (W^{[1]}, W^{(1)})."""
        tok = self.take()
        if tok.kind == "cmd" and tok.value in DECORATION:
            inner_deco = DECORATION[tok.value]
            if self.at("ch", "{"):
                self.take()
                node = self.name(inner_deco)
                self.expect("ch", "}")
            else:
                node = self.name(inner_deco)
            return self.name_suffix(node)
        if tok.kind == "cmd" and tok.value in STYLE:
            if self.at("ch", "{"):
                self.take()
                if tok.value in ("mathbf", "mathbb", "boldsymbol", "bm", "vec", "mathrm") and self.at("num", "1"):
                    self.take()
                    self.expect("ch", "}")
                    return self.ones_or_indicator()
                node = self.name(deco)
                self.expect("ch", "}")
                return self.name_suffix(node)
            if tok.value in ("mathbf", "mathbb", "boldsymbol", "bm", "vec") and self.at("num", "1"):
                self.take()
                return self.ones_or_indicator()
            return self.name(deco)
        if tok.kind == "cmd" and tok.value in GREEK:
            base = CANON_GREEK.get(tok.value, tok.value)
        elif tok.kind == "ch" and tok.value.isalpha():
            base = tok.value
        else:
            raise Unreadable(f"unexpected {tok.value!r}")
        return self.name_suffix(("name", base, "", deco))

    def name_suffix(self, node):
        if node[0] != "name":
            return node
        _, base, sub, deco = node
        while True:
            if self.at("ch", "_") and not sub:
                self.take()
                sub = self.raw_group()
            elif self.at("ch", "^") and self.at("ch", "{", 1) and (self.at("ch", "(", 2) or self.at("ch", "[", 2)):
                save = self.i
                self.take()
                toks = self.braced_tokens()
                if len(toks) == 3 and toks[1].kind == "num" and toks[0].value in "([" and toks[2].value in ")]":
                    sub = (sub + "," if sub else "") + toks[1].value
                else:
                    self.i = save
                    break
            else:
                break
        return ("name", base, sub, deco)

    def ones_or_indicator(self):
        """After \\mathbf{1}: 1_N (a column of ones), or the indicator 1[...], 1_{Z>0}, 1(...)."""
        if self.at("ch", "_"):
            self.take()
            if self.at("ch", "{"):
                save = self.i
                toks = self.braced_tokens()
                if any(t.kind == "ch" and t.value in "<>" or t.kind == "cmd" and t.value in COMPARISONS for t in toks):
                    self.i = save
                    self.take()
                    items = self.group("}")
                    if len(items) == 1 and items[0][0] == "cmp":
                        return ("ind", items[0])
                    raise Unreadable("an indicator without a condition")
                self.i = save
            return ("ones", self.raw_group())
        if self.at("ch", "[") or self.at("ch", "(") or self.at("ch", "\\{"):
            inner = self.bracket()
            if inner[0] != "ind":
                raise Unreadable("1(...) without a condition")
            return inner
        return ("ones", "")

    def primary(self):
        tok = self.peek()
        if tok.kind == "num":
            self.take()
            return ("num", float(tok.value))
        if tok.kind == "ch" and tok.value in OPEN:
            if tok.value == "{":
                self.take()
                node = self.expr()
                self.expect("ch", "}")
                return node
            return self.bracket()
        if tok.kind == "fn":
            return self.function()
        if tok.kind == "cmd":
            v = tok.value
            if v in ("frac", "dfrac", "tfrac", "cfrac"):
                self.take()
                num = self.arg()
                den = self.arg()
                return self.derivative_or_div(num, den)
            if v == "sqrt":
                self.take()
                if self.at("ch", "["):
                    raise Unreadable("an n-th root")
                return ("fn", "sqrt", (self.arg(),))
            if v in ("sum", "max", "prod"):
                return self.big_operator()
            if v == "partial":
                self.take()
                if self.at("ch", "_"):  # ∂_{W} L
                    self.take()
                    wrt = self.sub_name()
                    return ("deriv", self.loss_name(), wrt)
                return ("partial", self.factor_no_postfix())
            if v == "nabla":
                self.take()
                if self.at("ch", "_"):
                    self.take()
                    wrt = self.sub_name()
                    of = self.loss_name()
                    return ("deriv", of, wrt)
                of = self.loss_name()
                return ("deriv", of, self.last_argument or ("name", "theta", "", ""))
            if v in ("lVert", "lvert", "langle"):
                raise Unreadable(v)
            if v == "delta" and self.at("ch", "_", 1):
                self.take()
                self.take()
                return ("name", "delta", self.raw_group(), "")
            if v in GREEK or v in STYLE or v in DECORATION:
                return self.name()
            raise Unreadable(f"\\{v}")
        if tok.kind == "ch" and tok.value.isalpha():
            # e^{x}: the exponential
            if tok.value == "e" and self.at("ch", "^", 1):
                self.take()
                self.take()
                return ("fn", "exp", (self.arg(),))
            # d W_1 / dW_1: the gradient of the loss in the d-notation (dW_2, dZ, db_1)
            if tok.value == "d" and self.peek(1).kind == "ch" and self.peek(1).value in "WbZAXH" and \
                    self.peek(1).value.isalpha():
                self.take()
                wrt = self.name()
                return ("deriv", ("name", "L", "", ""), wrt)
            if tok.value == "d" and self.at("cmd", "theta", 1):
                self.take()
                return ("deriv", ("name", "L", "", ""), self.name())
            node = self.name()
            if node == ("name", "H", "", "") and self.at("ch", "("):
                # H(Z_1): the Heaviside step where the answer says so (evaluate.py), else H times (Z_1)
                return ("fn", "H?", (self.bracket(),))
            return node
        raise Unreadable(f"unexpected {tok.value!r}")

    def sub_name(self):
        """The variable of ∇_{W_2}: a name (braced or one symbol)."""
        if self.at("ch", "{"):
            self.take()
            node = self.name()
            self.expect("ch", "}")
            return node
        return self.name()

    def loss_name(self):
        """What a ∇ or ∂_W applies to: the loss (L, \\mathcal{L}, J, E, ℓ), with (θ) after it dropped."""
        self.last_argument = None
        node = self.factor_no_postfix()
        if node[0] != "name":
            raise Unreadable("a gradient of something other than the loss")
        self.skip_argument()
        return node

    def skip_argument(self):
        """L(θ_t), L(W): the point where the loss is taken, not a product."""
        if self.at("ch", "("):
            save = self.i
            self.take()
            depth = 1
            while depth and not self.at("end"):
                tok = self.take()
                if tok == ("ch", "("):
                    depth += 1
                elif tok == ("ch", ")"):
                    depth -= 1
            inner = self.t[save + 1:self.i - 1]
            if not inner or not all(t.kind in ("ch", "cmd", "num") and t.value not in ("+", "-", "*", "/", "cdot")
                                    for t in inner):
                self.i = save
                return
            try:   # ∇L(W_1): the gradient with respect to the argument
                arg = Parser(list(inner)).parse()
                self.last_argument = arg if arg[0] == "name" and arg[1] != "theta" else None
            except Unreadable:
                self.last_argument = None

    def derivative_or_div(self, num, den):
        if num[0] == "partial" and den[0] == "partial":
            return ("deriv", num[1], den[1])
        if num[0] == "name" and num[1] == "partial" and den[0] == "mul":
            raise Unreadable("a derivative")
        # \frac{dL}{dW}: d as a differential
        dn, dd = _d_differential(num), _d_differential(den)
        if dn is not None and dd is not None:
            return ("deriv", dn, dd)
        if num[0] == "partial" or den[0] == "partial":
            raise Unreadable("a partial derivative")
        return ("div", num, den)

    def function(self):
        name = self.take().value
        prime = False
        if self.at("ch", "'"):
            self.take()
            prime = True
        elif self.at("ch", "^") and self.at("ch", "{", 1) and self.at("cmd", "prime", 2):
            self.take(), self.take(), self.take()
            self.expect("ch", "}")
            prime = True
        elif self.at("ch", "^") and self.at("cmd", "prime", 1):
            self.take(), self.take()
            prime = True
        if prime:
            if name != "relu":
                raise Unreadable(f"{name}'")
            name = "drelu"
        if name == "max" and self.at("ch", "_"):
            self.take()
            var = self.raw_group()
            return ("max", tuple(var.split(",")), None, None, self.factor())
        if self.at("ch", "(") or self.at("ch", "["):
            tok = self.take()
            items = self.group(OPEN[tok.value])
            node = ("fn", name, tuple(items))
        elif self.at("ch", "{"):
            self.take()
            items = self.group("}")
            node = ("fn", name, tuple(items))
        else:
            if self.at("cmd", "sum"):
                arg = self.big_operator()
            else:
                arg = self.factor()
            node = ("fn", name, (arg,))
        if self.at("ch", "_"):
            self.take()
            node = ("at", node, self.raw_group())
        return node

    def big_operator(self):
        op = self.take().value
        if op == "prod":
            raise Unreadable("a product ∏")
        var, lo, hi = "", None, None
        while self.at("ch", "_") or self.at("ch", "^"):
            mark = self.take().value
            if mark == "_":
                if self.at("ch", "{"):
                    toks = self.braced_tokens()
                else:
                    toks = [self.take()]
                eq = next((j for j, t in enumerate(toks) if t == ("ch", "=")), None)
                names = toks[:eq] if eq is not None else toks
                var = "".join(str(t.value) for t in names if t.kind == "ch" and t.value.isalpha() or t.value == ",")
                if not var or any(t.kind not in ("ch",) for t in names):
                    raise Unreadable("a sum over something other than an index")
                if eq is not None:
                    lo = Parser(toks[eq + 1:]).parse()
            else:
                hi = self.arg()
        vars_ = tuple(v for v in var.split(",") if v)
        if not vars_ and op == "sum":
            vars_ = ()
        # several letters without commas (\sum_{ic}) are several indices
        if len(vars_) == 1 and len(vars_[0]) > 1:
            vars_ = tuple(vars_[0])
        body = self.term()
        return ("sum" if op == "sum" else "max", vars_, lo, hi, body)


def _d_differential(node):
    """dL (as the product d·L), dW_2 → the name after the d; else None."""
    if node[0] == "deriv" and node[1] == ("name", "L", "", ""):
        return node[2]
    if node[0] == "mul" and node[1] == ("name", "d", "", "") and node[2][0] == "name":
        return node[2]
    return None


def parse(tokens: list[Token]):
    """One side's tokens → its tree (Unreadable when it is not read)."""
    try:
        return Parser(list(tokens)).parse()
    except RecursionError as e:  # bounded by MAX_DEPTH; a guard all the same
        raise Unreadable("nested too deeply") from e

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the man(3) pages of libnetsock from the Doxygen comments of its
public headers, so that the pages and the headers cannot disagree.

    gen_man.py --version 1.0.0 --out DIR include/netsock build/.../version.h
    gen_man.py --check include/netsock build/.../version.h

A directory stands for the .h files in it.

One page per NS_EXTERN function (ns_bind.3 ...), per public type
(ns_addr.3, ns_create_connection_options.3 ...: the definition, each field
with its comment and its value in the type's NS_..._INIT initialiser) and
per public macro (NS_TIMEOUT_NONE.3 ...), an overview libnetsock.3 and
netsock-errors.3 from the NS_ERROR_CLASSES table of error.h. A function's
page lists the fields of the option structs it takes.

With --check nothing is written; the exit status is 1 when a public
declaration lacks a comment, a summary, @since, a @param for one of its
parameters or a @return for a non-void result, or when a public type, one
of its fields or a public macro has no /** */ comment, each reported as
file:line: problem.
"""
import argparse
import os
import re
import sys

COMMENT = re.compile(r"/\*\*(.*?)\*/", re.S)
TAG = re.compile(r"@(param(?:\[[a-z, ]+\])?|return|returns|since|note|"
                 r"deprecated|warning|see)(?=\s|$)\s*(.*)")
ERROR_ROW = re.compile(r'XX\(\s*(NS_\w+)\s*,\s*(\d+)\s*,\s*(\w+)\s*,\s*'
                       r'"([^"]*)"\s*\)')


class Function:
    def __init__(self, header, line, decl, doc):
        self.header = header
        self.line = line
        self.decl = decl
        self.doc = doc
        self.name = re.search(r"(\w+)\s*\(", decl).group(1)
        self.ret = decl[:decl.index(self.name)].strip()
        inside = decl[decl.index("(") + 1:decl.rindex(")")]
        self.params = split_params(inside)


def split_params(text):
    """[(type, name)] of a parameter list; name is "" for void or ..."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        cur += ch
    out.append(cur)
    params = []
    for p in (p.strip() for p in out):
        if p in ("", "void", "..."):
            if p == "...":
                params.append(("...", ""))
            continue
        m = re.match(r"(.*?)(\w+)(\s*\[[^\]]*\])?$", p)
        params.append((m.group(1) + "", m.group(2) + (m.group(3) or "")))
    return params


def parse_doc(raw):
    """Split a /** */ body into paragraphs and tags."""
    lines = []
    for line in raw.splitlines():
        line = re.sub(r"^\s*\*? ?", "", line, count=1).rstrip()
        lines.append(line)
    doc = {"paras": [], "params": [], "return": "", "since": "",
           "python": "", "notes": [], "deprecated": "", "file": "",
           "brief": "", "group": ""}
    cur = None  # (kind, list of words) being filled by continuation lines
    para = []

    def flush():
        nonlocal cur, para
        if para:
            doc["paras"].append(" ".join(para))
            para = []
        if cur:
            kind, key, words = cur
            text = " ".join(words).strip()
            if kind == "param":
                doc["params"].append((key, text))
            elif kind in ("notes",):
                doc["notes"].append(text)
            else:
                doc[kind] = text
            cur = None

    for line in lines:
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        m = TAG.match(stripped)
        if stripped.startswith("Python:"):
            flush()
            cur = ("python", "", [stripped[len("Python:"):].strip()])
        elif stripped.startswith("@file"):
            flush()
            doc["file"] = stripped.split(None, 1)[1] if " " in stripped else ""
        elif stripped.startswith("@brief"):
            flush()
            cur = ("brief", "", [stripped[len("@brief"):].strip()])
        elif stripped.startswith("@defgroup"):
            flush()
            parts = stripped.split(None, 2)
            doc["group"] = parts[2] if len(parts) > 2 else ""
        elif stripped.startswith("@{") or stripped.startswith("@}"):
            flush()
        elif m:
            flush()
            tag, rest = m.group(1), m.group(2)
            if tag.startswith("param"):
                direction = re.search(r"\[([a-z, ]+)\]", tag)
                name, _, text = rest.partition(" ")
                key = (name, direction.group(1) if direction else "")
                cur = ("param", key, [text])
            elif tag in ("return", "returns"):
                cur = ("return", "", [rest])
            elif tag in ("note", "warning", "see"):
                cur = ("notes", "", [rest])
            else:
                cur = (tag, "", [rest])
        elif cur:
            cur[2].append(stripped)
        else:
            para.append(stripped)
    flush()
    return doc


def strip_comments(text):
    """The text with comments and preprocessor lines blanked out, keeping
    offsets and line numbers."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    return re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", blank, text, flags=re.M)


def parse_header(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    code = strip_comments(text)
    comments = [(m.start(), m.end(), m.group(1))
                for m in COMMENT.finditer(text)]
    filedoc = None
    for _, _, body in comments:
        if "@file" in body:
            filedoc = parse_doc(body)
            break
    functions, problems = [], []
    # NS_TLS_EXTERN marks libnetsock-tls's functions (netsock/tls.h).
    for m in re.finditer(r"\bNS_(?:TLS_)?EXTERN\b", code):
        end = code.find(";", m.end())
        decl = " ".join(code[m.end():end].split())
        line = text.count("\n", 0, m.start()) + 1
        if "(" not in decl:
            continue
        decl = re.sub(r"\bNS_[A-Z_]+\b(\([^)]*\))?\s*", "", decl).strip()
        decl = decl.replace("( ", "(").replace(" )", ")")
        # The comment that ends right before the declaration documents it.
        doc = None
        for start, stop, body in comments:
            if stop <= m.start() and not code[stop:m.start()].strip():
                doc = body
        fn = Function(os.path.basename(path), line, decl,
                      parse_doc(doc) if doc is not None else None)
        functions.append(fn)
        problems += check(path, fn)
    types, macros = parse_types_and_macros(path, text, code, comments)
    return filedoc, functions, problems, text, types, macros


def check(path, fn):
    where = f"{path}:{fn.line}: {fn.name}"
    if fn.doc is None:
        return [f"{where}: no /** */ comment"]
    out = []
    if not fn.doc["paras"]:
        out.append(f"{where}: no summary")
    if not fn.doc["since"]:
        out.append(f"{where}: no @since")
    documented = {name for (name, _), _ in fn.doc["params"]}
    for _, name in fn.params:
        if name and name not in documented:
            out.append(f"{where}: no @param for '{name}'")
    for name in documented - {n for _, n in fn.params}:
        out.append(f"{where}: @param '{name}' is not a parameter")
    if fn.ret != "void" and not fn.doc["return"]:
        out.append(f"{where}: no @return")
    return out


# ---- types and macros -----------------------------------------------------

class Type:
    """A public typedef: a struct with fields, an enum, or an opaque one."""
    def __init__(self, header, line, name, kind, doc, fields, definition):
        self.header = header
        self.line = line
        self.name = name
        self.kind = kind            # "struct", "enum" or "opaque"
        self.doc = doc
        self.fields = fields        # [Field]
        self.definition = definition


class Field:
    def __init__(self, name, decl, doc, line):
        self.name = name
        self.decl = decl
        self.doc = doc
        self.line = line
        self.default = ""


class Macro:
    def __init__(self, header, line, name, params, value, doc):
        self.header = header
        self.line = line
        self.name = name
        self.params = params        # "(size)" or ""
        self.value = value
        self.doc = doc


def doc_before(comments, code, pos, text):
    """The /** */ comment (not /**<) that ends right before pos, with only
    blanks and preprocessor lines between."""
    found = None
    for start, stop, body in comments:
        if stop > pos:
            break
        between = code[stop:pos]
        gap = text[stop:pos]
        if not between.strip() and not body.startswith("<") and \
                all(not ln.strip() or ln.strip().startswith("#")
                    for ln in gap.split("\n")):
            found = body
    return found


def comment_text(body):
    """A /** */ or /**< */ body as one paragraph of text."""
    body = body[1:] if body.startswith("<") else body
    doc = parse_doc(body)
    return " ".join(doc["paras"])


def matching_brace(code, open_pos):
    depth = 0
    for i in range(open_pos, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(code)


def parse_fields(text, code, comments, start, stop):
    """The members of a struct body code[start:stop] (between the braces),
    each with its /** */ comment before it or /**< */ after it."""
    fields = []
    depth, seg_start = 0, start
    for i in range(start, stop):
        ch = code[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ";" and depth == 0:
            decl = " ".join(code[seg_start:i].split())
            name = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", decl).group(1)
            doc = doc_before(comments, code, seg_start +
                             len(code[seg_start:i]) -
                             len(code[seg_start:i].lstrip()), text)
            eol = text.find("\n", i)
            for cstart, cstop, body in comments:
                if i < cstart < eol and body.startswith("<"):
                    doc = body
            line = text.count("\n", 0, i) + 1
            fields.append(Field(name, decl,
                                comment_text(doc) if doc else "", line))
            seg_start = i + 1
    return fields


def parse_types_and_macros(path, text, code, comments):
    header = os.path.basename(path)
    types, macros = [], []
    for m in re.finditer(r"\btypedef\s+(struct|enum|union)\s+(\w+)\s*"
                         r"(\{|\w+\s*;)", code):
        line = text.count("\n", 0, m.start()) + 1
        body = doc_before(comments, code, m.start(), text)
        doc = parse_doc(body) if body is not None else None
        if m.group(3) != "{":
            name = m.group(3).rstrip(";").strip()
            types.append(Type(header, line, name, "opaque", doc, [],
                              f"typedef {m.group(1)} {m.group(2)} {name};"))
            continue
        open_pos = m.end() - 1
        close = matching_brace(code, open_pos)
        name = re.match(r"\s*(\w+)", code[close + 1:]).group(1)
        kind = "enum" if m.group(1) == "enum" else "struct"
        fields = [] if kind == "enum" else \
            parse_fields(text, code, comments, open_pos + 1, close)
        if kind == "enum":
            definition = f"typedef enum {m.group(2)} {{ ... }} {name};"
        else:
            rows = [f"typedef {m.group(1)} {m.group(2)} {{"]
            rows += [f"    {f.decl};" for f in fields]
            rows.append(f"}} {name};")
            definition = "\n".join(rows)
        types.append(Type(header, line, name, kind, doc, fields, definition))

    undefined = set(re.findall(r"^\s*#\s*undef\s+(\w+)", text, re.M))
    seen = set()
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(NS_\w+)(\([^)]*\))?"
                         r"((?:[^\n]*\\\n)*[^\n]*)", text, re.M):
        name = m.group(1)
        if name in undefined or name in seen:
            continue
        seen.add(name)
        value = " ".join(m.group(3).replace("\\\n", " ").split())
        body = doc_before(comments, code, m.start(), text)
        # Alternative definitions under #if share the comment before the
        # first one.
        line = text.count("\n", 0, m.start()) + 1
        macros.append(Macro(header, line, name, m.group(2) or "", value,
                            parse_doc(body) if body is not None else None))
    return types, macros


def split_initialiser(value):
    """The top-level items of a brace initialiser "{a, {b, c}, d}"."""
    value = value.strip()
    if not (value.startswith("{") and value.endswith("}")):
        return []
    inner, items, depth, cur = value[1:-1], [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
            continue
        depth += ch in "{(" and 1 or ch in "})" and -1 or 0
        cur += ch
    items.append(cur.strip())
    return items


def link_types_and_macros(types, macros):
    """Give each struct its initialiser's defaults and its macros."""
    by_name = {m.name: m for m in macros}
    for t in types:
        prefix = t.name.upper() + "_"
        t.macros = [m for m in macros if m.name.startswith(prefix)]
        init = by_name.get(prefix + "INIT")
        t.init = init
        if init and t.fields:
            items = split_initialiser(init.value)
            if len(items) == len(t.fields):
                for f, v in zip(t.fields, items):
                    f.default = v


def check_types(types, macros, path_of):
    out = []
    for t in types:
        where = f"{path_of[t.header]}:{t.line}: {t.name}"
        if t.doc is None or not t.doc["paras"]:
            out.append(f"{where}: no /** */ comment")
        for f in t.fields:
            if not f.doc:
                out.append(f"{path_of[t.header]}:{f.line}: {t.name}.{f.name}:"
                           " no /** */ or /**< */ comment")
    for m in macros:
        if m.doc is None or not m.doc["paras"]:
            out.append(f"{path_of[m.header]}:{m.line}: {m.name}: "
                       "no /** */ comment")
    return out


# ---- nroff ----------------------------------------------------------------

def esc(text):
    """Escape plain text for nroff and mark up `code` and ns_name()."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\b((?:ns|NS)_\w+)\(\)", r"\\fB\1\\fR()", text)
    return text


def lines_out(text):
    """Text as nroff source lines, none starting with a control char."""
    out = []
    for line in text.split("\n"):
        if line[:1] in (".", "'"):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def synopsis(fn):
    """The prototype with the parameter names in italics, wrapped."""
    head = f"{fn.ret}{'' if fn.ret.endswith('*') else ' '}{fn.name}("
    pieces = []
    for ptype, pname in fn.params:
        if not pname:
            pieces.append((ptype, ""))
        else:
            pieces.append((ptype, pname))
    if not pieces:
        pieces = [("void", "")]
    rows, cur = [], head
    indent = " " * len(head)
    for i, (ptype, pname) in enumerate(pieces):
        tail = "," if i < len(pieces) - 1 else ");"
        plain = ptype + pname + tail
        if len(cur) + len(plain) > 72 and cur.strip() != head.strip():
            rows.append(cur.rstrip())
            cur = indent
        cur += "\x01" + ptype + "\x02" + pname + "\x03" + tail + " "
    rows.append(cur.rstrip())
    out = []
    for row in rows:
        row = esc(row)
        row = row.replace("\x01", "\\fB").replace("\x02", "\\fI")
        row = row.replace("\x03", "\\fB")
        row = "\\fB" + row + "\\fR"
        out.append(lines_out(row))
    return "\n".join(out)


def references(fn, names):
    text = " ".join(fn.doc["paras"] + [t for _, t in fn.doc["params"]] +
                    [fn.doc["return"]] + fn.doc["notes"])
    refs = []
    for ref in re.findall(r"\b(ns_\w+)\(\)", text):
        if ref in names and ref != fn.name and ref not in refs:
            refs.append(ref)
    return refs


def summary_of(doc):
    first = doc["paras"][0] if doc["paras"] else ""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z(\"`])", first)[0]
    return sentence.rstrip(".")


def title(name, version, date=""):
    return (f'.TH {name} 3 "{date}" "libnetsock {version}" '
            f'"libnetsock Manual"')


def man_function(fn, version, names, types=()):
    d = fn.doc
    out = [f'.\\" Generated by tools/gen_man.py from {fn.header}; '
           'do not edit.',
           title(fn.name, version),
           ".SH NAME",
           f"{fn.name} \\- {esc(summary_of(d))}",
           ".SH SYNOPSIS",
           ".nf",
           f".B #include <netsock/{'tls' if fn.header == 'tls.h' else 'netsock'}.h>",
           ".PP",
           synopsis(fn),
           ".fi",
           ".SH DESCRIPTION"]
    for i, para in enumerate(d["paras"]):
        if i:
            out.append(".PP")
        out.append(lines_out(esc(para)))
    if d["params"]:
        out.append(".SS Parameters")
        for (name, direction), text in d["params"]:
            out.append(".TP")
            if direction:
                out.append(f'.IR {name} " ({direction})"')
            else:
                out.append(f".I {name}")
            out.append(lines_out(esc(text)))
    taken = [t for t in types if t.fields and t.init and
             any(re.search(rf"\b{t.name}\b", ptype) for ptype, _ in fn.params)]
    for t in taken:
        out.append(f".SS Fields of {t.name}")
        out.append(lines_out(esc(f"Start from {t.init.name} and set the "
                                 f"fields you need:")))
        out += field_rows(t)
    if d["notes"]:
        out.append(".SH NOTES")
        for i, text in enumerate(d["notes"]):
            if i:
                out.append(".PP")
            out.append(lines_out(esc(text)))
    out.append(".SH RETURN VALUE")
    if d["return"]:
        out.append(lines_out(esc(d["return"])))
    else:
        out.append("None.")
    if d["python"]:
        out.append(".SH PYTHON EQUIVALENT")
        out.append(lines_out(esc(d["python"])))
    if d["since"] or d["deprecated"]:
        out.append(".SH HISTORY")
        if d["since"]:
            out.append(lines_out(esc(f"Added in libnetsock {d['since']}.")))
        if d["deprecated"]:
            out.append(".PP")
            out.append(lines_out(esc("Deprecated: " + d["deprecated"])))
    see = [f"{r}(3)" for r in references(fn, names)]
    see += [f"{t.name}(3)" for t in types
            if t.kind != "enum" and
            any(re.search(rf"\b{t.name}\b", ptype) for ptype, _ in fn.params)
            and f"{t.name}(3)" not in see]
    if fn.ret == "ns_err" or "NS_ERR_" in d["return"]:
        see.append("netsock-errors(3)")
    see.append("libnetsock(3)")
    out.append(".SH SEE ALSO")
    out.append(",\n".join(f".BR {s[:-3]} (3)" for s in see))
    return "\n".join(out) + "\n"


def field_rows(t):
    """nroff .TP rows for the fields of a struct, with their defaults."""
    out = []
    for f in t.fields:
        out.append(".TP")
        out.append(lines_out("\\fB" + esc(f.decl) + "\\fR"))
        text = f.doc
        if f.default:
            text += f" Default: `{f.default}`."
        out.append(lines_out(esc(text)))
    return out


def man_type(t, version, functions):
    d = t.doc
    users = [fn.name for fn in functions
             if any(re.search(rf"\b{t.name}\b", ptype)
                    for ptype, _ in fn.params) or
             re.search(rf"\b{t.name}\b", fn.ret)]
    out = [f'.\\" Generated by tools/gen_man.py from {t.header}; '
           'do not edit.',
           title(t.name, version),
           ".SH NAME",
           f"{t.name} \\- {esc(summary_of(d))}",
           ".SH SYNOPSIS",
           ".nf",
           ".B #include <netsock/netsock.h>",
           ".PP",
           lines_out(esc(t.definition)),
           ".fi",
           ".SH DESCRIPTION"]
    for i, para in enumerate(d["paras"]):
        if i:
            out.append(".PP")
        out.append(lines_out(esc(para)))
    if t.kind == "enum":
        out.append(".PP")
        out.append(lines_out(esc(
            "NS_OK (0) is success; every other value is one Python "
            "exception class, listed in netsock-errors(3).")))
    if t.fields:
        out.append(".SH FIELDS")
        out += field_rows(t)
    if t.macros:
        out.append(".SH MACROS")
        for m in t.macros:
            out.append(".TP")
            out.append(f".B {m.name}{m.params}")
            out.append(lines_out(esc(" ".join(m.doc["paras"])
                                     if m.doc else "")))
    if d["python"]:
        out.append(".SH PYTHON EQUIVALENT")
        out.append(lines_out(esc(d["python"])))
    see = [f"{n}(3)" for n in users] + [f"{m.name}(3)" for m in t.macros]
    if t.kind == "enum":
        see.append("netsock-errors(3)")
    see.append("libnetsock(3)")
    out.append(".SH SEE ALSO")
    out.append(",\n".join(f".BR {s[:-3]} (3)" for s in see))
    return "\n".join(out) + "\n"


def man_macro(m, version, types):
    d = m.doc
    owner = next((t for t in types if m in getattr(t, "macros", [])), None)
    value = m.value if len(m.value) <= 200 else m.value[:200] + " ..."
    out = [f'.\\" Generated by tools/gen_man.py from {m.header}; '
           'do not edit.',
           title(m.name, version),
           ".SH NAME",
           f"{m.name} \\- {esc(summary_of(d))}",
           ".SH SYNOPSIS",
           ".nf",
           ".B #include <netsock/netsock.h>",
           ".PP",
           lines_out(esc(f"#define {m.name}{m.params} {value}")),
           ".fi",
           ".SH DESCRIPTION"]
    for i, para in enumerate(d["paras"]):
        if i:
            out.append(".PP")
        out.append(lines_out(esc(para)))
    if owner and owner.init is m and owner.fields:
        out.append(".SH FIELDS")
        out.append(lines_out(esc(f"The values it gives the fields of "
                                 f"{owner.name}:")))
        out += field_rows(owner)
    if d["python"]:
        out.append(".SH PYTHON EQUIVALENT")
        out.append(lines_out(esc(d["python"])))
    see = ([f"{owner.name}(3)"] if owner else []) + ["libnetsock(3)"]
    out.append(".SH SEE ALSO")
    out.append(",\n".join(f".BR {s[:-3]} (3)" for s in see))
    return "\n".join(out) + "\n"


def man_overview(headers, version, types_and_macros=()):
    umbrella = next((h for h in headers if h[0] == "netsock.h"), None)
    brief = "Python's socket API for C"
    out = ['.\\" Generated by tools/gen_man.py from the public headers; '
           'do not edit.',
           title("libnetsock", version),
           ".SH NAME",
           f"libnetsock \\- {esc(brief)}",
           ".SH SYNOPSIS",
           ".nf",
           ".B #include <netsock/netsock.h>",
           ".PP",
           ".B cc prog.c $(pkg\\-config \\-\\-cflags \\-\\-libs netsock)",
           ".PP",
           ".B find_package(netsock 1 CONFIG REQUIRED)",
           ".B target_link_libraries(prog PRIVATE netsock::netsock)",
           ".fi",
           ".SH DESCRIPTION"]
    if umbrella and umbrella[1]:
        out.append(lines_out(esc(umbrella[1]["brief"])))
    for name, filedoc, functions in headers:
        if not functions:
            continue
        heading = filedoc["group"] if filedoc and filedoc["group"] else name
        out.append(f".SS {esc(heading)} (netsock/{name})")
        if filedoc:
            for para in ([filedoc["brief"]] if filedoc["brief"] else []) + \
                    filedoc["paras"]:
                out.append(".PP")
                out.append(lines_out(esc(para)))
        for fn in functions:
            if fn.doc is None:
                continue
            out.append(".TP")
            out.append(f".BR {fn.name} (3)")
            out.append(lines_out(esc(summary_of(fn.doc))))
    if types_and_macros:
        out.append(".SH TYPES AND MACROS")
        for item in types_and_macros:
            if item.doc is None:
                continue
            out.append(".TP")
            out.append(f".BR {item.name} (3)")
            out.append(lines_out(esc(summary_of(item.doc))))
    out.append(".SH SEE ALSO")
    out.append(".BR netsock-errors (3)")
    return "\n".join(out) + "\n"


def man_errors(error_text, error_fns, version):
    rows = ERROR_ROW.findall(error_text.replace("\\\n", " "))
    by_code = {code: pyname for code, _, _, pyname in rows}
    out = ['.\\" Generated by tools/gen_man.py from error.h; do not edit.',
           title("netsock-errors", version),
           ".SH NAME",
           "netsock-errors \\- the error codes of libnetsock",
           ".SH SYNOPSIS",
           ".nf",
           ".B #include <netsock/netsock.h>",
           ".fi",
           ".SH DESCRIPTION",
           lines_out(esc(
               "Every libnetsock call that can fail returns an ns_err: "
               "NS_OK (0) on success, or the code of the Python exception "
               "class that the same failure raises in Python. The values "
               "are fixed: new codes are only ever appended. "
               "ns_error_is() tests a code against a class and its "
               "subclasses, as Python's isinstance() does.")),
           ".SS Codes"]
    out += [".TP", ".B NS_OK", "0: success."]
    for code, value, parent, pyname in rows:
        out.append(".TP")
        out.append(f".B {code}")
        text = f"{value}: Python's {pyname}"
        if parent != "NS_OK":
            text += f", a subclass of {by_code.get(parent, parent)}"
        out.append(lines_out(esc(text + ".")))
    if error_fns:
        out.append(".SS The last failure of a thread")
        for fn in error_fns:
            if fn.doc is None:
                continue
            out.append(".TP")
            out.append(f".BR {fn.name} (3)")
            out.append(lines_out(esc(summary_of(fn.doc))))
    out.append(".SH SEE ALSO")
    out.append(".BR libnetsock (3)")
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="directory for the .3 files")
    ap.add_argument("--version", default="")
    ap.add_argument("--check", action="store_true",
                    help="only check the comments of the declarations")
    ap.add_argument("--list", action="store_true",
                    help="print the names of the pages it would write")
    ap.add_argument("headers", nargs="+")
    args = ap.parse_args(argv[1:])

    paths = []
    for path in args.headers:
        if os.path.isdir(path):
            paths += sorted(os.path.join(path, f) for f in os.listdir(path)
                            if f.endswith(".h"))
        else:
            paths.append(path)
    args.headers = paths

    headers, problems, names, error_text = [], [], set(), ""
    types, macros, path_of = [], [], {}
    seen = set()
    for path in args.headers:
        base = os.path.basename(path)
        if base in seen:
            continue
        seen.add(base)
        filedoc, functions, probs, text, htypes, hmacros = parse_header(path)
        path_of[base] = path
        types += htypes
        macros += [m for m in hmacros if m.name not in
                   {x.name for x in macros}]
        headers.append((base, filedoc, functions))
        problems += probs
        names |= {fn.name for fn in functions}
        if base == "error.h":
            error_text = text
    order = ["netsock.h"]
    umbrella = next((p for p in args.headers
                     if os.path.basename(p) == "netsock.h"), None)
    if umbrella:
        with open(umbrella, encoding="utf-8") as f:
            order += re.findall(r"#include <netsock/(\w+\.h)>", f.read())
    headers.sort(key=lambda h: (order.index(h[0]) if h[0] in order
                                else len(order), h[0]))

    link_types_and_macros(types, macros)
    problems += check_types(types, macros, path_of)

    if args.check:
        for p in problems:
            print(p)
        count = sum(len(f) for _, _, f in headers)
        print(f"{count} public functions, {len(types)} types and "
              f"{len(macros)} macros checked, {len(problems)} problems")
        return 1 if problems else 0

    pages = {}
    for _, _, functions in headers:
        for fn in functions:
            if fn.doc is not None:
                pages[fn.name + ".3"] = man_function(fn, args.version, names,
                                                     types)
    all_functions = [fn for _, _, fs in headers for fn in fs]
    for t in types:
        if t.doc is not None and t.doc["paras"]:
            pages[t.name + ".3"] = man_type(t, args.version, all_functions)
    for m in macros:
        if m.doc is not None and m.doc["paras"]:
            pages[m.name + ".3"] = man_macro(m, args.version, types)
    pages["libnetsock.3"] = man_overview(
        headers, args.version,
        sorted(types + macros, key=lambda x: x.name.lower()))
    if error_text:
        error_fns = next((f for h, _, f in headers if h == "error.h"), [])
        pages["netsock-errors.3"] = man_errors(error_text, error_fns,
                                               args.version)
    if args.list:
        print("\n".join(sorted(pages)))
        return 0
    if not args.out:
        ap.error("--out is required")
    os.makedirs(args.out, exist_ok=True)
    # Pages of functions that no longer exist must not linger.
    for old in os.listdir(args.out):
        if old.endswith(".3") and old not in pages:
            os.remove(os.path.join(args.out, old))
    for name, page in pages.items():
        path = os.path.join(args.out, name)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == page:
                    continue
        except FileNotFoundError:
            pass
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
